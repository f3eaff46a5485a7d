/**
 * The SPDY/3.1 subset kubectl's port-forward speaks (moby/spdystream on the client side):
 * frames over the upgraded socket, streams opened by the client with SYN_STREAM and
 * answered with an empty SYN_REPLY, DATA with FIN for half-close, RST_STREAM, PING echo,
 * GOAWAY. Header blocks are zlib-compressed with the SPDY/3 dictionary and one inflate
 * context per connection, so frames are handled strictly in order. spdystream has no flow
 * control; TCP backpressure is the only brake.
 */
import type { Duplex } from 'node:stream';
import { constants, createInflate, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary.ts';

const TYPE_SYN_STREAM = 1;
const TYPE_SYN_REPLY = 2;
const TYPE_RST_STREAM = 3;
const TYPE_PING = 6;
const TYPE_GOAWAY = 7;
const TYPE_HEADERS = 8;
const FLAG_FIN = 0x01;
export const RST_CANCEL = 5;
const MAX_DATA = 64 * 1024;

/**
 * Our SYN_REPLY header blocks carry zero headers, so their compressed form is constant: a
 * zlib header naming the dictionary (first block only), a stored block with the 4-byte
 * count 0, and an empty stored block as the sync-flush marker Go's inflater waits for.
 */
const FIRST_EMPTY_BLOCK = Buffer.from('78bbe3c6a7c2000400fbff00000000000000ffff', 'hex');
const LATER_EMPTY_BLOCK = Buffer.from('000400fbff00000000000000ffff', 'hex');

export class SpdyStream {
  readonly #session: SpdySession;
  #onData: ((data: Buffer) => void) | undefined;
  #onEnd: (() => void) | undefined;
  #queued: Buffer[] = [];
  #remoteEnded = false;
  #localEnded = false;

  constructor(session: SpdySession, readonly id: number, readonly headers: ReadonlyMap<string, string>) {
    this.#session = session;
  }

  /** Receives the client's DATA (queued until a handler is set) and its half-close. */
  on(handlers: { data(data: Buffer): void; end(): void }): void {
    this.#onData = handlers.data;
    this.#onEnd = handlers.end;
    for (const data of this.#queued) handlers.data(data);
    this.#queued = [];
    if (this.#remoteEnded) handlers.end();
  }

  /** Sends DATA; false when the socket is congested (wait for the session's drain). */
  write(data: Buffer): boolean {
    if (this.#localEnded) return true;
    let ok = true;
    for (let i = 0; i < data.length; i += MAX_DATA) ok = this.#session.sendData(this.id, data.subarray(i, i + MAX_DATA), false);
    return ok;
  }

  end(): void {
    if (this.#localEnded) return;
    this.#localEnded = true;
    this.#session.sendData(this.id, Buffer.alloc(0), true);
  }

  reset(status = RST_CANCEL): void {
    this.#localEnded = true;
    this.#session.sendReset(this.id, status);
    this.remoteEnd();
  }

  /** @internal */
  deliver(data: Buffer): void {
    if (this.#remoteEnded) return;
    if (this.#onData) this.#onData(data);
    else this.#queued.push(data);
  }

  /** @internal */
  remoteEnd(): void {
    if (this.#remoteEnded) return;
    this.#remoteEnded = true;
    this.#onEnd?.();
  }
}

export class SpdySession {
  readonly #socket: Duplex;
  readonly #onStream: (stream: SpdyStream) => void;
  readonly #streams = new Map<number, SpdyStream>();
  readonly #inflater: Inflate = createInflate({ dictionary: SPDY3_DICTIONARY });
  #buffer: Buffer = Buffer.alloc(0);
  #queue: Promise<void> = Promise.resolve();
  #repliedOnce = false;
  #closed = false;
  readonly #closeHandlers: Array<() => void> = [];

  constructor(socket: Duplex, head: Buffer, onStream: (stream: SpdyStream) => void) {
    this.#socket = socket;
    this.#onStream = onStream;
    this.#inflater.on('error', () => this.close());
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('close', () => this.close());
    socket.on('error', () => this.close());
    if (head.length > 0) this.#receive(head);
  }

  get socket(): Duplex {
    return this.#socket;
  }

  /** Ends the connection after what was written has been sent. */
  end(): void {
    this.#socket.end();
  }

  onClose(handler: () => void): void {
    this.#closeHandlers.push(handler);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const stream of this.#streams.values()) stream.remoteEnd();
    this.#streams.clear();
    this.#inflater.close();
    this.#socket.destroy();
    for (const handler of this.#closeHandlers) handler();
  }

  sendData(id: number, data: Buffer, fin: boolean): boolean {
    if (this.#closed) return true;
    const header = Buffer.alloc(8);
    header.writeUInt32BE(id & 0x7fffffff, 0);
    header.writeUInt32BE(data.length, 4);
    header[4] = fin ? FLAG_FIN : 0;
    this.#socket.write(header);
    return data.length > 0 ? this.#socket.write(data) : true;
  }

  sendReset(id: number, status: number): void {
    const payload = Buffer.alloc(8);
    payload.writeUInt32BE(id & 0x7fffffff, 0);
    payload.writeUInt32BE(status, 4);
    this.#sendControl(TYPE_RST_STREAM, payload);
  }

  #sendControl(type: number, payload: Buffer): void {
    if (this.#closed) return;
    const header = Buffer.alloc(8);
    header.writeUInt16BE(0x8003, 0);
    header.writeUInt16BE(type, 2);
    header.writeUInt32BE(payload.length, 4);
    header[4] = 0;
    this.#socket.write(Buffer.concat([header, payload]));
  }

  #receive(chunk: Buffer): void {
    this.#buffer = this.#buffer.length > 0 ? Buffer.concat([this.#buffer, chunk]) : chunk;
    while (this.#buffer.length >= 8) {
      const length = this.#buffer.readUInt32BE(4) & 0xffffff;
      if (this.#buffer.length < 8 + length) break;
      const frame = Buffer.from(this.#buffer.subarray(0, 8 + length));
      this.#buffer = this.#buffer.subarray(8 + length);
      this.#queue = this.#queue.then(() => this.#handle(frame)).catch(() => this.close());
    }
  }

  async #handle(frame: Buffer): Promise<void> {
    if (this.#closed) return;
    const flags = frame[4]!;
    const payload = frame.subarray(8);
    if ((frame[0]! & 0x80) === 0) {
      const stream = this.#streams.get(frame.readUInt32BE(0) & 0x7fffffff);
      if (!stream) return;
      if (payload.length > 0) stream.deliver(payload);
      if (flags & FLAG_FIN) stream.remoteEnd();
      return;
    }
    switch (frame.readUInt16BE(2)) {
      case TYPE_SYN_STREAM: {
        const id = payload.readUInt32BE(0) & 0x7fffffff;
        const headers = parseHeaderBlock(await this.#inflate(payload.subarray(10)));
        const stream = new SpdyStream(this, id, headers);
        this.#streams.set(id, stream);
        const reply = Buffer.concat([Buffer.alloc(4), this.#repliedOnce ? LATER_EMPTY_BLOCK : FIRST_EMPTY_BLOCK]);
        reply.writeUInt32BE(id, 0);
        this.#repliedOnce = true;
        this.#sendControl(TYPE_SYN_REPLY, reply);
        if (flags & FLAG_FIN) stream.remoteEnd();
        this.#onStream(stream);
        return;
      }
      case TYPE_RST_STREAM: {
        const id = payload.readUInt32BE(0) & 0x7fffffff;
        this.#streams.get(id)?.remoteEnd();
        this.#streams.delete(id);
        return;
      }
      case TYPE_PING:
        this.#socket.write(frame);
        return;
      case TYPE_GOAWAY:
        this.close();
        return;
      case TYPE_HEADERS:
        // Inflated only to keep the shared zlib context in step.
        await this.#inflate(payload.subarray(4));
        return;
      default:
        return;
    }
  }

  #inflate(block: Buffer): Promise<Buffer> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      const onData = (chunk: Buffer) => chunks.push(chunk);
      this.#inflater.on('data', onData);
      this.#inflater.write(block);
      this.#inflater.flush(constants.Z_SYNC_FLUSH, () => {
        this.#inflater.off('data', onData);
        resolve(Buffer.concat(chunks));
      });
    });
  }
}

/** A SPDY/3 header block: u32 count, then u32-length-prefixed names and values. */
export function parseHeaderBlock(block: Buffer): Map<string, string> {
  const headers = new Map<string, string>();
  if (block.length < 4) return headers;
  const count = block.readUInt32BE(0);
  let pos = 4;
  for (let i = 0; i < count && pos + 4 <= block.length; i++) {
    const nameLength = block.readUInt32BE(pos);
    const name = block.subarray(pos + 4, pos + 4 + nameLength).toString('utf8');
    pos += 4 + nameLength;
    const valueLength = block.readUInt32BE(pos);
    const value = block.subarray(pos + 4, pos + 4 + valueLength).toString('utf8');
    pos += 4 + valueLength;
    headers.set(name.toLowerCase(), value);
  }
  return headers;
}
