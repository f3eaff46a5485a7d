/**
 * Reading the kernel's TCP socket tables (/proc/net/tcp and /proc/net/tcp6): which socket
 * (by inode) has which local and remote address. Pure parsing: the caller reads the files.
 *
 * Why: in the loopback pod network a pod's outgoing connection leaves from 127.0.0.1, so
 * the address skiff's service proxy sees says nothing about the pod. The client's own
 * socket, though, is in the same table as the accepted one, with the addresses mirrored;
 * its inode leads to the process holding it (socket-owners.ts).
 */
import { endianness } from 'node:os';

/** TCP states as the kernel numbers them (include/net/tcp_states.h). */
const STATES = ['', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV'];

export interface TcpSocketRow {
  /** `ip:port`, the address in canonical form (canonicalIp). */
  local: string;
  remote: string;
  state: string;
  /** 0 for a socket no process holds any more (closed, lingering in FIN_WAIT or TIME_WAIT). */
  inode: number;
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** Parses the text of /proc/net/tcp or /proc/net/tcp6 (the header line is skipped). */
export function parseProcNetTcp(text: string, littleEndian = LITTLE_ENDIAN): TcpSocketRow[] {
  const rows: TcpSocketRow[] = [];
  for (const line of text.split('\n')) {
    // "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ..."
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || !fields[0]!.endsWith(':')) continue;
    const local = parseHexEndpoint(fields[1]!, littleEndian);
    const remote = parseHexEndpoint(fields[2]!, littleEndian);
    if (!local || !remote) continue;
    rows.push({ local, remote, state: STATES[parseInt(fields[3]!, 16)] ?? fields[3]!, inode: Number(fields[9]) });
  }
  return rows;
}

/**
 * The inode of the socket whose local and remote addresses are `client.local` and
 * `client.remote` — for an accepted connection, the client's side: its local address is
 * the accepted socket's remote one and its remote address the accepted socket's local one
 * (the address the client dialled, e.g. the ClusterIP, which is also what the accepting
 * socket reports as local even when the listener is bound to a wildcard). Undefined when no
 * process holds such a socket (not in this network namespace, or closed already).
 */
export function findSocketInode(rows: readonly TcpSocketRow[], client: { local: string; remote: string }): number | undefined {
  const local = canonicalEndpoint(client.local);
  const remote = canonicalEndpoint(client.remote);
  for (const row of rows) {
    if (row.inode !== 0 && row.local === local && row.remote === remote) return row.inode;
  }
  return undefined;
}

/**
 * findSocketInode straight on a table's text: the table of a busy machine has thousands of
 * rows, and only one matters. The client's addresses (IPv4) are spelled as the kernel
 * prints them and the row is found with one string search; IPv6 clients fall back to
 * parsing every row.
 */
export function findSocketInodeInText(text: string, client: { local: string; remote: string }, littleEndian = LITTLE_ENDIAN): number | undefined {
  const local = hexEndpoints(canonicalEndpoint(client.local), littleEndian);
  const remote = hexEndpoints(canonicalEndpoint(client.remote), littleEndian);
  if (!local || !remote) return findSocketInode(parseProcNetTcp(text, littleEndian), client);
  for (let k = 0; k < local.length; k++) {
    const needle = ` ${local[k]} ${remote[k]} `;
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
      const lineStart = text.lastIndexOf('\n', at) + 1;
      const lineEnd = text.indexOf('\n', at);
      const inode = parseProcNetTcp(text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd), littleEndian)[0]?.inode;
      if (inode) return inode;
    }
  }
  return undefined;
}

/** An IPv4 `ip:port` as /proc/net/tcp prints it, then as /proc/net/tcp6 prints it IPv4-mapped. */
function hexEndpoints(endpoint: string, littleEndian: boolean): [string, string] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+):(\d+)$/.exec(endpoint);
  if (!m) return undefined;
  const bytes = [m[1], m[2], m[3], m[4]].map((b) => Number(b).toString(16).toUpperCase().padStart(2, '0'));
  const word = (littleEndian ? bytes.reverse() : bytes).join('');
  const port = Number(m[5]).toString(16).toUpperCase().padStart(4, '0');
  const mappedPrefix = littleEndian ? '0000000000000000FFFF0000' : '00000000000000000000FFFF';
  return [`${word}:${port}`, `${mappedPrefix}${word}:${port}`];
}

/** `ip:port` (or `[ip6]:port`) in the form parseProcNetTcp produces. */
export function canonicalEndpoint(endpoint: string): string {
  const colon = endpoint.lastIndexOf(':');
  if (colon < 0) throw new Error(`not an ip:port endpoint: ${endpoint}`);
  const host = endpoint.slice(0, colon).replace(/^\[|\]$/g, '');
  return `${canonicalIp(host)}:${Number(endpoint.slice(colon + 1))}`;
}

/**
 * One spelling per address: IPv4 as dotted quad (IPv4-mapped IPv6 addresses included, as
 * a dual-stack socket reports them), IPv6 as eight lower-case groups without compression.
 */
export function canonicalIp(ip: string): string {
  const lower = ip.toLowerCase();
  if (!lower.includes(':')) return lower;
  const groups = expandIpv6(lower);
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
  }
  return groups.map((g) => g.toString(16).padStart(4, '0')).join(':');
}

function expandIpv6(ip: string): number[] {
  // A dotted IPv4 tail ("::ffff:127.0.0.1") is the last two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  const text = dotted ? `${ip.slice(0, dotted.index)}${((Number(dotted[1]) << 8) | Number(dotted[2])).toString(16)}:${((Number(dotted[3]) << 8) | Number(dotted[4])).toString(16)}` : ip;
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(Math.max(0, 8 - left.length - right.length)).fill(0), ...right];
}

/** "0100007F:1F90" → "127.0.0.1:8080"; 32 hex digits for IPv6, four 32-bit words in host order. */
function parseHexEndpoint(field: string, littleEndian: boolean): string | undefined {
  const [hex, portHex] = field.split(':');
  if (!hex || !portHex) return undefined;
  const port = parseInt(portHex, 16);
  if (hex.length === 8) {
    const bytes = wordBytes(hex, littleEndian);
    return `${bytes.join('.')}:${port}`;
  }
  if (hex.length === 32) {
    const bytes: number[] = [];
    for (let w = 0; w < 4; w++) bytes.push(...wordBytes(hex.slice(w * 8, w * 8 + 8), littleEndian));
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
    return `${canonicalIp(groups.join(':'))}:${port}`;
  }
  return undefined;
}

/** The four bytes of one 32-bit word the kernel printed with %08X, in network order. */
function wordBytes(hex8: string, littleEndian: boolean): number[] {
  const bytes = [0, 2, 4, 6].map((i) => parseInt(hex8.slice(i, i + 2), 16));
  return littleEndian ? bytes.reverse() : bytes;
}
