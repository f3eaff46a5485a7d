/**
 * A sidecar's inbound TCP proxy (Envoy's tcp_proxy to `inbound|<port>||`): the downstream's
 * bytes — plain, or decrypted from mTLS — go to the app on its inner address and back, with
 * half-closes passed on. What was already read to sniff the connection is still on the
 * socket (unshifted), so nothing is replayed by hand. `onDone` gets the connection's record
 * fields when both sides are gone: `UF` when the app refused.
 */
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ResponseFlag } from '../request-record.ts';

export interface RelayResult {
  flags: ResponseFlag[];
  bytesReceived: number;
  bytesSent: number;
  upstreamHost: string;
  durationMs: number;
}

export interface RelayOptions {
  host: string;
  port: number;
  /** Bytes already taken off a downstream that has ended (first-bytes.ts `ended`): sent first, then the app's side is half-closed. */
  endedWith?: Buffer;
  connectTimeoutMs?: number;
  /** No byte either way for this long closes both sides (Envoy's tcp_proxy idle_timeout; default 1 h). */
  idleTimeoutMs?: number;
  onDone?: (result: RelayResult) => void;
}

/** Relays `downstream` to `host:port`; returns the upstream socket (for drain bookkeeping). */
export function relayToApp(downstream: Duplex & { bytesWritten?: number }, opts: RelayOptions): Socket {
  const started = performance.now();
  const upstream = connect({ host: opts.host, port: opts.port, allowHalfOpen: true });
  let connected = false;
  let done = false;
  let received = 0;
  let sent = 0;
  let closed = 0;
  let failure: ResponseFlag[] | undefined;
  const report = () => {
    if (done) return;
    done = true;
    opts.onDone?.({ flags: failure ?? [], bytesReceived: received, bytesSent: sent, upstreamHost: `${opts.host}:${opts.port}`, durationMs: Math.round(performance.now() - started) });
  };
  const fail = (flags: ResponseFlag[]) => {
    failure ??= flags;
    downstream.destroy();
    upstream.destroy();
  };
  upstream.setTimeout(opts.connectTimeoutMs ?? 10_000, () => {
    if (!connected) upstream.destroy(new Error('connect timeout'));
    // The upstream socket sees every byte both ways (read from the app, written to it), so its
    // inactivity timer is the connection's.
    else fail([]);
  });
  received += opts.endedWith?.length ?? 0;
  downstream.on('data', (chunk: Buffer) => void (received += chunk.length));
  upstream.on('data', (chunk: Buffer) => void (sent += chunk.length));
  upstream.once('connect', () => {
    connected = true;
    upstream.setTimeout(opts.idleTimeoutMs ?? 3_600_000);
    // pipe passes each side's end on as a half-close of the other.
    if (opts.endedWith) upstream.end(opts.endedWith);
    else downstream.pipe(upstream);
    upstream.pipe(downstream);
  });
  upstream.on('error', () => fail(connected ? ['UC'] : ['UF']));
  downstream.on('error', () => fail([]));
  // A side that closes after a clean end lets the other finish writing; a reset takes both down.
  const onClose = (other: Duplex) => (hadError: boolean) => {
    if (hadError || !connected) other.destroy();
    else other.end();
    if (++closed === 2) report();
  };
  let downstreamGone = false;
  downstream.once('close', (hadError: boolean) => {
    downstreamGone = true;
    onClose(upstream)(hadError);
  });
  upstream.once('close', (hadError: boolean) => {
    // The app refused (or never answered) while the client still waited: Envoy's UF.
    if (!connected && !downstreamGone) failure ??= ['UF'];
    onClose(downstream)(hadError);
  });
  // Until the app answers, the downstream's bytes wait in its buffer.
  downstream.pause();
  return upstream;
}
