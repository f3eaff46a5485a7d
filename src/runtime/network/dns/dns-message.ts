/**
 * The DNS wire format (RFC 1035), as much as a cluster DNS server needs: read a query's
 * header and question, and write an answer with A, AAAA or CNAME records (or an error code)
 * for it. Names are compared lower-case, without the trailing dot.
 */
export const TYPE_A = 1;
export const TYPE_CNAME = 5;
export const TYPE_AAAA = 28;
export const CLASS_IN = 1;

export const RCODE_NOERROR = 0;
export const RCODE_FORMERR = 1;
export const RCODE_SERVFAIL = 2;
export const RCODE_NXDOMAIN = 3;

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

export interface DnsQuery {
  id: number;
  /** Recursion desired, echoed in the answer. */
  rd: boolean;
  question: DnsQuestion;
  /** The question section as received (copied into the answer). */
  questionBytes: Buffer;
}

export type DnsRecord =
  | { name: string; type: typeof TYPE_A | typeof TYPE_AAAA; ttl: number; address: string }
  | { name: string; type: typeof TYPE_CNAME; ttl: number; target: string };

/** Parses a query; undefined when it is not a well-formed single-question query. */
export function parseQuery(buf: Buffer): DnsQuery | undefined {
  if (buf.length < 12) return undefined;
  const flags = buf.readUInt16BE(2);
  if (flags & 0x8000) return undefined; // a response, not a query
  if (buf.readUInt16BE(4) !== 1) return undefined;
  const labels: string[] = [];
  let at = 12;
  for (;;) {
    if (at >= buf.length) return undefined;
    const len = buf[at]!;
    if (len === 0) {
      at++;
      break;
    }
    if (len & 0xc0 || at + 1 + len > buf.length) return undefined;
    labels.push(buf.subarray(at + 1, at + 1 + len).toString('latin1'));
    at += 1 + len;
  }
  if (at + 4 > buf.length) return undefined;
  const question = { name: labels.join('.').toLowerCase(), type: buf.readUInt16BE(at), class: buf.readUInt16BE(at + 2) };
  return { id: buf.readUInt16BE(0), rd: (flags & 0x0100) !== 0, question, questionBytes: buf.subarray(12, at + 4) };
}

export function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').filter((p) => p !== '');
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'latin1')])), Buffer.from([0])]);
}

function addressBytes(record: DnsRecord): Buffer {
  if (record.type === TYPE_CNAME) return encodeName(record.target);
  if (record.type === TYPE_A) return Buffer.from(record.address.split('.').map(Number));
  const groups = expandIPv6(record.address);
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

function expandIPv6(ip: string): number[] {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':').map((x) => parseInt(x, 16)) : [];
  const t = tail ? tail.split(':').map((x) => parseInt(x, 16)) : [];
  return [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
}

/** An answer to `query`: authoritative for cluster names, recursion available. */
export function buildResponse(query: DnsQuery, rcode: number, records: readonly DnsRecord[], authoritative = true): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.id, 0);
  header.writeUInt16BE(0x8000 | (authoritative ? 0x0400 : 0) | (query.rd ? 0x0100 : 0) | 0x0080 | (rcode & 0xf), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  const answers = records.map((r) => {
    const data = addressBytes(r);
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(r.type, 0);
    fixed.writeUInt16BE(CLASS_IN, 2);
    fixed.writeUInt32BE(r.ttl, 4);
    fixed.writeUInt16BE(data.length, 8);
    return Buffer.concat([encodeName(r.name), fixed, data]);
  });
  return Buffer.concat([header, query.questionBytes, ...answers]);
}
