import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { test } from 'node:test';
import { constants, deflateSync } from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary.ts';
import { parseHeaderBlock, SpdySession, type SpdyStream } from './spdy-session.ts';

function headerBlock(headers: Array<[string, string]>): Buffer {
  const parts = [Buffer.alloc(4)];
  parts[0]!.writeUInt32BE(headers.length);
  for (const [name, value] of headers) {
    for (const text of [name, value]) {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(Buffer.byteLength(text));
      parts.push(len, Buffer.from(text));
    }
  }
  return Buffer.concat(parts);
}

function control(type: number, flags: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(0x8003, 0);
  header.writeUInt16BE(type, 2);
  header.writeUInt32BE(payload.length, 4);
  header[4] = flags;
  return Buffer.concat([header, payload]);
}

test('the dictionary is the SPDY/3 one: 1423 bytes, Adler-32 0xE3C6A7C2', () => {
  let a = 1;
  let b = 0;
  for (const byte of SPDY3_DICTIONARY) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  assert.equal(SPDY3_DICTIONARY.length, 1423);
  assert.equal(((b << 16) | a) >>> 0, 0xe3c6a7c2);
});

test('header blocks: count, then length-prefixed lowercase names and values', () => {
  const headers = parseHeaderBlock(headerBlock([['streamtype', 'data'], ['Port', '8080']]));
  assert.deepEqual([...headers], [['streamtype', 'data'], ['port', '8080']]);
});

test('a SYN_STREAM with a compressed header block opens a stream, is answered, and carries DATA with FIN', async () => {
  const written: Buffer[] = [];
  const wire = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      written.push(Buffer.from(chunk));
      done();
    },
  });
  const opened = new Promise<SpdyStream>((resolve) => new SpdySession(wire, Buffer.alloc(0), resolve));
  const block = deflateSync(headerBlock([['streamtype', 'data'], ['port', '80'], ['requestid', '0']]), { dictionary: SPDY3_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
  const syn = Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), block]);
  wire.push(control(1, 0, syn));
  const stream = await opened;
  assert.equal(stream.id, 1);
  assert.equal(stream.headers.get('streamtype'), 'data');
  const reply = Buffer.concat(written);
  assert.equal(reply.readUInt16BE(2), 2, 'SYN_REPLY');
  assert.equal(reply.readUInt32BE(8), 1, 'for stream 1');
  const received: string[] = [];
  const ended = new Promise<void>((resolve) => stream.on({ data: (d) => received.push(d.toString()), end: resolve }));
  wire.push(Buffer.from([0, 0, 0, 1, 1, 0, 0, 5, ...Buffer.from('hello')]));
  await ended;
  assert.deepEqual(received, ['hello']);
});
