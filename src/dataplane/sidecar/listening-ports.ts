/**
 * Which ports an app listens on, from the kernel's socket tables (/proc/net/tcp, tcp6): the
 * sidecar must capture a port the app opened even when no containerPort or Service names it
 * (in Istio iptables captures every port; skiff has to listen on each one at the pod IP).
 * The parser is pure; the watcher polls the tables and says when the listening set changed.
 */
import { readFile } from 'node:fs/promises';

const LISTEN_STATE = '0A';

/** `0100007F` (IPv4 as a little-endian 32-bit word) → `127.0.0.1`. */
function ipv4FromHex(hex: string): string {
  const bytes = [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return bytes.join('.');
}

/** tcp6's address: four little-endian 32-bit words. IPv4-mapped ones become the IPv4 address. */
function ipv6FromHex(hex: string): string {
  const words = [0, 8, 16, 24].map((i) => hex.slice(i, i + 8));
  const bytes = words.flatMap((w) => [6, 4, 2, 0].map((i) => parseInt(w.slice(i, i + 2), 16)));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // Compress the longest run of zero groups, as addresses are usually written.
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len && j - i > 1) best = { at: i, len: j - i };
    i = j;
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
}

/**
 * Listening sockets of a /proc/net/tcp or /proc/net/tcp6 table: address → sorted ports.
 * Wildcard listeners appear as `0.0.0.0` / `::`.
 */
export function parseListeningPorts(procNetTcp: string): Map<string, number[]> {
  const out = new Map<string, Set<number>>();
  for (const line of procNetTcp.split('\n')) {
    const fields = line.trim().split(/\s+/);
    // sl local_address rem_address st …
    if (fields.length < 4 || fields[3] !== LISTEN_STATE) continue;
    const [addrHex, portHex] = fields[1]!.split(':');
    if (!addrHex || !portHex) continue;
    const address = addrHex.length === 8 ? ipv4FromHex(addrHex) : addrHex.length === 32 ? ipv6FromHex(addrHex) : undefined;
    if (!address) continue;
    const port = parseInt(portHex, 16);
    if (!Number.isInteger(port) || port <= 0) continue;
    let set = out.get(address);
    if (!set) out.set(address, (set = new Set()));
    set.add(port);
  }
  return new Map([...out].map(([a, ports]) => [a, [...ports].sort((x, y) => x - y)]));
}

export interface ListeningPortsWatcherOptions {
  intervalMs: number;
  onChange: () => void;
  /** The socket tables to read (tests may point elsewhere). */
  files?: readonly string[];
}

const DEFAULT_FILES = ['/proc/net/tcp', '/proc/net/tcp6'];

/** Polls the socket tables once started; `onChange` runs after a poll that saw a different listening set. */
export class ListeningPortsWatcher {
  #ports = new Map<string, number[]>();
  #signature = '';
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;

  constructor(private readonly opts: ListeningPortsWatcherOptions) {}

  /** Starts polling (idempotent): now, then every `intervalMs`. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.poll(), this.opts.intervalMs);
    // A watcher alone must not keep the process alive.
    this.#timer.unref();
    void this.poll();
  }

  /** Reads the tables now (also what the timer does); resolves once the new set is in. */
  poll(): Promise<void> {
    this.#polling ??= this.#read().finally(() => (this.#polling = undefined));
    return this.#polling;
  }

  async #read(): Promise<void> {
    const texts = await Promise.all((this.opts.files ?? DEFAULT_FILES).map((f) => readFile(f, 'utf8').catch(() => '')));
    const merged = new Map<string, number[]>();
    for (const text of texts) {
      for (const [address, ports] of parseListeningPorts(text)) {
        merged.set(address, [...new Set([...(merged.get(address) ?? []), ...ports])].sort((a, b) => a - b));
      }
    }
    const signature = [...merged].map(([a, p]) => `${a}=${p.join(',')}`).sort().join(';');
    this.#ports = merged;
    if (signature === this.#signature || this.#timer === undefined) return;
    this.#signature = signature;
    this.opts.onChange();
  }

  /** Ports listening on exactly `address` (wildcard listeners are not included). */
  portsOf(address: string): number[] {
    return this.#ports.get(address) ?? [];
  }

  /** Stops polling (start() resumes); `onChange` is not called while stopped. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
