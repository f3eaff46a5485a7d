/**
 * The benchmark's printed result: one table with skiff on the embedded store, skiff on etcd
 * and raw etcd side by side, the ratios to the raw etcd peer, and the targets.
 */
import { availableParallelism } from 'node:os';
import type { LoadResult } from './closed-loop.ts';
import type { WatchLatencyResult } from './latency-collector.ts';
import type { LatencySummary } from './stats.ts';

export interface TargetFigures {
  creates?: LoadResult;
  updates?: LoadResult;
  watch?: WatchLatencyResult;
}

export interface BenchResults {
  embedded: TargetFigures;
  skiffEtcd: TargetFigures;
  etcdPuts?: LoadResult;
  etcdWatch?: WatchLatencyResult;
  clients: number;
  watchers: number;
  seconds: number;
  writesPerSec: number;
  /** 1-minute load average of the machine before and after the run. */
  loadBefore: number;
  loadAfter: number;
}

export const TARGET_CREATES_PER_SEC = 2000;
export const TARGET_WATCH_P99_MS = 50;

type Row = [label: string, embedded: string, skiffEtcd: string, rawEtcd: string, embeddedRatio: string, skiffEtcdRatio: string, target: string, result: string];

export function formatReport(r: BenchResults): string {
  const e = r.embedded;
  const k = r.skiffEtcd;
  const puts = r.etcdPuts;
  const rows: Row[] = [
    ['', 'skiff embedded', 'skiff on etcd', 'raw etcd', 'embedded/etcd', 'skiff-etcd/etcd', 'target', 'result'],
    ['creates/s (etcd: puts/s)', rate(e.creates), rate(k.creates), rate(puts), ratio(e.creates?.perSecond, puts?.perSecond), ratio(k.creates?.perSecond, puts?.perSecond),
      `>= ${TARGET_CREATES_PER_SEC} embedded`, verdict(e.creates?.perSecond, (v) => v >= TARGET_CREATES_PER_SEC)],
    ['updates/s (etcd: puts/s)', rate(e.updates), rate(k.updates), rate(puts), ratio(e.updates?.perSecond, puts?.perSecond), ratio(k.updates?.perSecond, puts?.perSecond), '', ''],
    ['create p50 / p99 ms', pair(e.creates?.latencyMs), pair(k.creates?.latencyMs), pair(puts?.latencyMs), '', '', '', ''],
    ['update p50 / p99 ms', pair(e.updates?.latencyMs), pair(k.updates?.latencyMs), pair(puts?.latencyMs), '', '', '', ''],
    ['server CPU µs / create', cpu(e.creates), cpu(k.creates), cpu(puts), '', '', '', ''],
    ['server CPU µs / update', cpu(e.updates), cpu(k.updates), cpu(puts), '', '', '', ''],
    ['watch delivery p50 ms', ms(e.watch?.fromAckMs.p50), ms(k.watch?.fromAckMs.p50), ms(r.etcdWatch?.fromAckMs.p50), '', '', '', ''],
    ['watch delivery p99 ms', ms(e.watch?.fromAckMs.p99), ms(k.watch?.fromAckMs.p99), ms(r.etcdWatch?.fromAckMs.p99),
      ratio(e.watch?.fromAckMs.p99, r.etcdWatch?.fromAckMs.p99), ratio(k.watch?.fromAckMs.p99, r.etcdWatch?.fromAckMs.p99),
      `< ${TARGET_WATCH_P99_MS} embedded`, verdict(e.watch?.fromAckMs.p99, (v) => v < TARGET_WATCH_P99_MS)],
    ['', '', '', '', '', '', `< ${TARGET_WATCH_P99_MS} etcd`, verdict(k.watch?.fromAckMs.p99, (v) => v < TARGET_WATCH_P99_MS)],
    ['send -> watcher p50 / p99 ms', pair(e.watch?.fromSendMs), pair(k.watch?.fromSendMs), pair(r.etcdWatch?.fromSendMs), '', '', '', ''],
    ['watched writes p50 / p99 ms', pair(e.watch?.writeLatencyMs), pair(k.watch?.writeLatencyMs), pair(r.etcdWatch?.writeLatencyMs), '', '', '', ''],
    ['watch events delivered', delivered(e.watch), delivered(k.watch), delivered(r.etcdWatch), '', '', '', ''],
  ];
  const notes = [
    `${r.clients} concurrent clients, ${r.seconds} s measured after 2 s warm-up. Watch: ${r.watchers} watchers, ${r.writesPerSec} updates/s;`,
    'delivery = receipt at a watcher minus the write\'s acknowledgment (0 if the watcher was first); send -> watcher adds the commit.',
    'Raw etcd: one etcd3 client, puts of a stored-ConfigMap-sized value, prefix watchers. Ratios: skiff ÷ raw etcd.',
    `Load average (1 min) before/after: ${r.loadBefore.toFixed(1)} / ${r.loadAfter.toFixed(1)} on ${cpuCountNote()}.`,
    ...problems('skiff embedded', e),
    ...problems('skiff on etcd', k),
    ...problems('raw etcd', { ...(puts ? { creates: puts } : {}), ...(r.etcdWatch ? { watch: r.etcdWatch } : {}) }),
  ];
  return `${table(rows)}\n\n${notes.join('\n')}\n`;
}

function rate(x?: LoadResult): string {
  return x === undefined ? '—' : Math.round(x.perSecond).toString();
}

export function ms(x: number | undefined): string {
  return x === undefined || Number.isNaN(x) ? '—' : x.toFixed(1);
}

function pair(x?: LatencySummary): string {
  return x === undefined ? '—' : `${ms(x.p50)} / ${ms(x.p99)}`;
}

function cpu(x?: LoadResult): string {
  return x?.serverCpuUsPerOp === undefined ? '—' : Math.round(x.serverCpuUsPerOp).toString();
}

export function ratio(a?: number, b?: number): string {
  return a === undefined || b === undefined || b === 0 || Number.isNaN(a) || Number.isNaN(b) ? '—' : (a / b).toFixed(2);
}

function delivered(w?: WatchLatencyResult): string {
  return w === undefined ? '—' : `${w.delivered}/${w.expected}`;
}

export function verdict(value: number | undefined, ok: (v: number) => boolean): string {
  return value === undefined || Number.isNaN(value) ? '—' : ok(value) ? 'PASS' : 'MISS';
}

function cpuCountNote(): string {
  return `${availableParallelism()} CPUs`;
}

function problems(name: string, f: TargetFigures): string[] {
  const out: string[] = [];
  for (const [what, load] of [['creates', f.creates], ['updates', f.updates]] as const) {
    if (load !== undefined && load.errors > 0) out.push(`${name} ${what}: ${load.errors} failed (first: ${load.firstError})`);
  }
  if (f.watch !== undefined && f.watch.delivered < f.watch.expected) out.push(`${name} watch: ${f.watch.expected - f.watch.delivered} deliveries missing`);
  if (f.watch !== undefined && f.watch.writeErrors > 0) out.push(`${name} watch writes: ${f.watch.writeErrors} failed (first: ${f.watch.firstError})`);
  return out;
}

/** Rows of cells as aligned columns: the first left-aligned, the rest right-aligned. */
export function table(rows: ReadonlyArray<readonly string[]>): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd()).join('\n');
}
