/**
 * The server side of RFC 6455 that kubectl's exec needs: the handshake with a chosen
 * subprotocol, binary messages (fragmented or not) from a masking client, ping → pong,
 * and a clean close. No extensions (kubectl negotiates none). `ws` is not a dependency of
 * skiff, and this subset is small.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MAX_MESSAGE = 16 * 1024 * 1024;

export interface WebSocketConnection {
  /** Sends one binary message; resolves when the socket has taken it (backpressure). */
  send(data: Buffer): Promise<void>;
  /** Sends a close frame with the code and ends the socket. */
  close(code: number): void;
  readonly closed: boolean;
}

export interface WebSocketHandlers {
  message(data: Buffer): void;
  /** The client closed or the connection broke. */
  close(): void;
}

/** The subprotocols the client offers, in order. */
export function offeredProtocols(req: IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
}

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket' && typeof req.headers['sec-websocket-key'] === 'string';
}

/** Completes the handshake on an upgraded socket and starts reading messages. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string, handlers: WebSocketHandlers): WebSocketConnection {
  const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}${GUID}`).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`);
  let closed = false;
  let buffer: Buffer = head.length > 0 ? Buffer.from(head) : Buffer.alloc(0);
  let fragments: Buffer[] = [];
  const finish = () => {
    if (closed) return;
    closed = true;
    handlers.close();
  };
  const writeFrame = (opcode: number, payload: Buffer): boolean => {
    const len = payload.length;
    const header = len < 126 ? Buffer.from([0x80 | opcode, len])
      : len < 65536 ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(len)]);
    socket.write(header);
    return socket.write(payload);
  };
  const parse = () => {
    for (;;) {
      if (buffer.length < 2) return;
      const fin = (buffer[0]! & 0x80) !== 0;
      const opcode = buffer[0]! & 0x0f;
      const masked = (buffer[1]! & 0x80) !== 0;
      let len = buffer[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (buffer.length < 4) return;
        len = buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (buffer.length < 10) return;
        len = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (len > MAX_MESSAGE) {
        conn.close(1009);
        return;
      }
      const maskOffset = offset;
      if (masked) offset += 4;
      if (buffer.length < offset + len) return;
      const payload = Buffer.from(buffer.subarray(offset, offset + len));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= buffer[maskOffset + (i % 4)]!;
      buffer = buffer.subarray(offset + len);
      if (opcode === 0x8) {
        if (!closed) writeFrame(0x8, payload.subarray(0, 2));
        socket.end();
        finish();
        return;
      }
      if (opcode === 0x9) writeFrame(0xa, payload);
      else if (opcode === 0x1 || opcode === 0x2 || opcode === 0x0) {
        fragments.push(payload);
        if (fin) {
          const message = Buffer.concat(fragments);
          fragments = [];
          handlers.message(message);
        }
      }
    }
  };
  socket.on('data', (chunk: Buffer) => {
    buffer = buffer.length > 0 ? Buffer.concat([buffer, chunk]) : chunk;
    parse();
  });
  socket.on('close', finish);
  socket.on('error', finish);
  const conn: WebSocketConnection = {
    get closed() {
      return closed;
    },
    send: (data) => new Promise<void>((resolve) => {
      if (closed) return resolve();
      if (writeFrame(0x2, data)) return resolve();
      socket.once('drain', resolve);
      socket.once('close', resolve);
    }),
    close: (code) => {
      if (closed) return;
      const payload = Buffer.alloc(2);
      payload.writeUInt16BE(code);
      writeFrame(0x8, payload);
      socket.end();
      finish();
    },
  };
  if (buffer.length > 0) queueMicrotask(parse);
  return conn;
}

function bigLength(len: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(len));
  return b;
}
