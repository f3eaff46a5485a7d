/**
 * What a connection's first bytes say, as Envoy's inbound listener filters read them before
 * choosing a filter chain: the tls_inspector (a TLS record starts with 0x16, the handshake
 * content type) and the http_inspector (an HTTP/1.x request line, or the HTTP/2 preface).
 * The classifier is pure; `peekFirstBytes` reads from a socket without consuming: the bytes
 * are pushed back for whoever handles the connection next.
 */
import type { Duplex } from 'node:stream';

export type FirstBytes = 'tls' | 'http1' | 'h2' | 'other' | 'need-more';

/** Bytes after which the request line must have ended (Envoy's inspector gives up at 8 KiB too). */
export const MAX_SNIFF_BYTES = 8192;

const H2_PREFACE = 'PRI * HTTP/2.0\r\n';
const REQUEST_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ [^ \r\n]+ HTTP\/1\.[01]$/;
const METHOD_CHAR = /^[!#$%&'*+.^_`|~0-9A-Za-z-]$/;

/** `tlsOnly`: only the TLS question matters (one byte decides). */
export function classifyFirstBytes(data: Buffer, tlsOnly = false): FirstBytes {
  if (data.length === 0) return 'need-more';
  if (data[0] === 0x16) return 'tls';
  if (tlsOnly) return 'other';
  const text = data.subarray(0, MAX_SNIFF_BYTES).toString('latin1');
  if (H2_PREFACE.startsWith(text)) return text.length >= H2_PREFACE.length ? 'h2' : 'need-more';
  if (text.startsWith(H2_PREFACE)) return 'h2';
  // Anything but a token character before the first space cannot be an HTTP method.
  const space = text.indexOf(' ');
  const method = space < 0 ? text : text.slice(0, space);
  if (![...method].every((c) => METHOD_CHAR.test(c))) return 'other';
  const end = text.indexOf('\r\n');
  if (end < 0) return data.length >= MAX_SNIFF_BYTES ? 'other' : 'need-more';
  return REQUEST_LINE.test(text.slice(0, end)) ? 'http1' : 'other';
}

export interface Peeked {
  kind: Exclude<FirstBytes, 'need-more'> | 'closed';
  data: Buffer;
  /**
   * The peer half-closed before the bytes decided: a stream cannot take bytes back after its
   * end, so `data` is NOT on the socket any more and whoever relays must send it first.
   */
  ended: boolean;
}

/**
 * Waits until the first bytes decide (or `timeoutMs` passes: then `other`, as a client that
 * speaks first in no known way is treated as opaque TCP), and puts them back on the socket.
 * A `timeoutMs` of 0 waits for the client however long it takes, as Istio's
 * protocolDetectionTimeout of 0s does. `closed`: the peer ended or failed before sending anything.
 */
export function peekFirstBytes(socket: Duplex, timeoutMs: number, tlsOnly = false): Promise<Peeked> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (kind: Peeked['kind'], ended = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      socket.off('close', onError);
      socket.pause();
      const data = Buffer.concat(chunks);
      if (kind !== 'closed' && !ended && data.length > 0) socket.unshift(data);
      resolve({ kind, data, ended });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      const kind = classifyFirstBytes(chunks.length === 1 ? chunk : Buffer.concat(chunks), tlsOnly);
      if (kind !== 'need-more') finish(kind);
    };
    const onEnd = () => finish(chunks.length > 0 ? 'other' : 'closed', true);
    const onError = () => finish('closed');
    const timer = timeoutMs > 0 ? setTimeout(() => finish(chunks.length > 0 || !socket.readableEnded ? 'other' : 'closed'), timeoutMs) : undefined;
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onError);
    // Destroyed from elsewhere (a proxy stopping): settle now, no timer left behind.
    socket.once('close', onError);
    socket.resume();
  });
}
