/**
 * Reads the server name (SNI) from a TLS ClientHello without terminating TLS, so that
 * passthrough routes can be chosen before any handshake (HAProxy's `req.ssl_sni`).
 * Only what is needed: the first handshake record, the extensions, the host_name entry.
 */

export type ClientHelloResult =
  | { kind: 'incomplete' }
  | { kind: 'not-tls' }
  | { kind: 'hello'; serverName: string | undefined };

const HANDSHAKE = 0x16;
const CLIENT_HELLO = 0x01;
const SERVER_NAME_EXTENSION = 0x0000;

/** `data` is everything read so far from the connection. */
export function parseClientHello(data: Buffer): ClientHelloResult {
  if (data.length < 1) return { kind: 'incomplete' };
  if (data[0] !== HANDSHAKE) return { kind: 'not-tls' };
  if (data.length < 5) return { kind: 'incomplete' };
  const recordLength = data.readUInt16BE(3);
  if (data.length < 5 + recordLength) return { kind: 'incomplete' };
  const body = data.subarray(5, 5 + recordLength);
  if (body.length < 4 || body[0] !== CLIENT_HELLO) return { kind: 'not-tls' };
  const helloLength = body.readUIntBE(1, 3);
  // A ClientHello split over several records is legal but rare; read what this record holds.
  const hello = body.subarray(4, 4 + Math.min(helloLength, body.length - 4));
  try {
    return { kind: 'hello', serverName: serverNameOf(hello) };
  } catch {
    return { kind: 'hello', serverName: undefined };
  }
}

function serverNameOf(hello: Buffer): string | undefined {
  let offset = 2 + 32; // version, random
  offset += 1 + hello.readUInt8(offset); // session id
  offset += 2 + hello.readUInt16BE(offset); // cipher suites
  offset += 1 + hello.readUInt8(offset); // compression methods
  if (offset + 2 > hello.length) return undefined;
  const end = Math.min(hello.length, offset + 2 + hello.readUInt16BE(offset));
  offset += 2;
  while (offset + 4 <= end) {
    const type = hello.readUInt16BE(offset);
    const length = hello.readUInt16BE(offset + 2);
    offset += 4;
    if (type === SERVER_NAME_EXTENSION) {
      let p = offset + 2;
      const listEnd = Math.min(offset + length, end);
      while (p + 3 <= listEnd) {
        const nameType = hello.readUInt8(p);
        const nameLength = hello.readUInt16BE(p + 1);
        p += 3;
        if (nameType === 0) return hello.subarray(p, p + nameLength).toString('latin1').toLowerCase();
        p += nameLength;
      }
      return undefined;
    }
    offset += length;
  }
  return undefined;
}
