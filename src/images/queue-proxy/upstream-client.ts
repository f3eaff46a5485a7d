/**
 * A lean HTTP/1.1 client to the user container for requests without a body (most of them):
 * kept-alive sockets in a LIFO pool, the request head written in one piece, the response read
 * by a small parser (status line, headers, then a body framed by Content-Length, chunked
 * coding or the connection's end). Node's http client spends more than the whole proxy's other
 * work per request (agent bookkeeping, ClientRequest and IncomingMessage streams); the
 * queue-proxy always talks to one local app, so this is all it needs. Requests with a body
 * keep using node:http (forward.ts).
 */
import { connect, type Socket } from 'node:net';
import { ChunkedDecoder } from './chunked-decoder.ts';

export interface UpstreamHead {
  status: number;
  statusMessage: string;
  rawHeaders: string[];
}

/** One exchange's listeners. `data` returning false pauses the body until `resume`. */
export interface UpstreamListener {
  head(head: UpstreamHead): void;
  data(chunk: Buffer): boolean;
  end(): void;
  /** `reused`: it failed on a pooled connection before any response byte (safe to send again). */
  error(err: NodeJS.ErrnoException, reused: boolean): void;
}

export interface UpstreamExchange {
  abort(): void;
  resume(): void;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD = 1 << 20;

export class UpstreamPool {
  readonly #host: string;
  readonly #port: number;
  readonly #maxIdle: number;
  readonly #idle: Socket[] = [];
  readonly #onIdleClose = new Map<Socket, () => void>();
  #closed = false;

  constructor(host: string, port: number, maxIdle: number) {
    this.#host = host;
    this.#port = port;
    this.#maxIdle = maxIdle;
  }

  /** Sends `head` (a complete request head, no body) and reports the response to `listener`. */
  request(head: string, noBody: boolean, listener: UpstreamListener): UpstreamExchange {
    const pooled = this.#idle.pop();
    const socket = pooled ?? connect(this.#port, this.#host);
    if (pooled) {
      pooled.removeListener('close', this.#onIdleClose.get(pooled)!).removeListener('error', ignore);
      this.#onIdleClose.delete(pooled);
    } else {
      socket.setNoDelay(true);
    }
    const exchange = new Exchange(socket, pooled !== undefined, noBody, listener, (s) => this.#release(s));
    socket.write(head, 'latin1');
    return exchange;
  }

  destroy(): void {
    this.#closed = true;
    for (const s of this.#idle.splice(0)) s.destroy();
    this.#onIdleClose.clear();
  }

  #release(socket: Socket): void {
    if (this.#closed || this.#idle.length >= this.#maxIdle || socket.destroyed) {
      socket.destroy();
      return;
    }
    // An idle socket the app closes leaves the pool.
    const drop = () => {
      const i = this.#idle.indexOf(socket);
      if (i >= 0) this.#idle.splice(i, 1);
      this.#onIdleClose.delete(socket);
    };
    this.#onIdleClose.set(socket, drop);
    socket.once('close', drop).on('error', ignore);
    this.#idle.push(socket);
  }
}

function ignore(): void {}

class Exchange implements UpstreamExchange {
  readonly #socket: Socket;
  readonly #reused: boolean;
  readonly #noBody: boolean;
  readonly #listener: UpstreamListener;
  readonly #release: (socket: Socket) => void;
  #head: Buffer | undefined;
  #gotBytes = false;
  /** Body bytes still due (Content-Length); -1 when chunked or until close. */
  #remaining = -1;
  #chunked: ChunkedDecoder | undefined;
  #keepAlive = true;
  #done = false;

  constructor(socket: Socket, reused: boolean, noBody: boolean, listener: UpstreamListener, release: (socket: Socket) => void) {
    this.#socket = socket;
    this.#reused = reused;
    this.#noBody = noBody;
    this.#listener = listener;
    this.#release = release;
    socket.on('data', this.#onData).on('end', this.#onEnd).on('error', this.#onError).on('close', this.#onClose);
  }

  abort(): void {
    if (this.#done) return;
    this.#done = true;
    this.#socket.destroy();
  }

  resume(): void {
    this.#socket.resume();
  }

  readonly #onData = (data: Buffer) => {
    if (this.#done) return;
    this.#gotBytes = true;
    if (this.#inBody) {
      this.#body(data);
      return;
    }
    let buf = this.#head ? Buffer.concat([this.#head, data]) : data;
    // Interim responses may precede the final head in the same read.
    while (!this.#inBody) {
      const end = buf.indexOf(HEAD_END);
      if (end < 0) {
        if (buf.length > MAX_HEAD) this.#fail(Object.assign(new Error('upstream response head too large'), { code: 'EPROTO' }));
        else this.#head = buf;
        return;
      }
      const text = buf.toString('latin1', 0, end);
      buf = buf.subarray(end + 4);
      this.#head = undefined;
      if (!this.#parseHead(text) || this.#done) return;
    }
    if (buf.length > 0) this.#body(buf);
    else if (this.#remaining === 0) this.#finish();
  };

  #inBody = false;

  /** Parses a response head; false (having failed the exchange) when it is not HTTP. */
  #parseHead(text: string): boolean {
    const lines = text.split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0]!);
    if (!m) {
      this.#fail(Object.assign(new Error('malformed upstream response'), { code: 'EPROTO' }));
      return false;
    }
    const status = Number(m[2]);
    // Interim responses (100 Continue, 103 Early Hints) are not passed on: wait for the final one.
    if (status >= 100 && status < 200) return true;
    const rawHeaders: string[] = [];
    let length: number | undefined;
    let chunked = false;
    let connection = '';
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1).trim();
      rawHeaders.push(name, value);
      const lower = name.toLowerCase();
      if (lower === 'content-length') length = Number(value);
      else if (lower === 'transfer-encoding') chunked = /chunked\s*$/i.test(value);
      else if (lower === 'connection') connection = value.toLowerCase();
    }
    this.#keepAlive = m[1] === '1' ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    this.#inBody = true;
    if (this.#noBody || status === 204 || status === 304) this.#remaining = 0;
    else if (chunked) this.#chunked = new ChunkedDecoder();
    else if (length !== undefined && Number.isFinite(length) && length >= 0) this.#remaining = length;
    else {
      this.#remaining = -1;
      this.#keepAlive = false;
    }
    this.#listener.head({ status, statusMessage: m[3] ?? '', rawHeaders });
    return true;
  }

  #body(data: Buffer): void {
    if (this.#done) return;
    if (this.#chunked) {
      const out = this.#chunked.push(data);
      if (out instanceof Error) return this.#fail(Object.assign(out, { code: 'EPROTO' }));
      for (const chunk of out) if (chunk.length > 0 && !this.#listener.data(chunk)) this.#socket.pause();
      if (this.#chunked.finished) this.#finish();
      return;
    }
    if (this.#remaining === -1) {
      if (!this.#listener.data(data)) this.#socket.pause();
      return;
    }
    const take = data.length <= this.#remaining ? data : data.subarray(0, this.#remaining);
    this.#remaining -= take.length;
    // Bytes past the body on a connection that is not pipelined: the app misbehaves; do not reuse it.
    if (take.length < data.length) this.#keepAlive = false;
    if (take.length > 0 && !this.#listener.data(take)) this.#socket.pause();
    if (this.#remaining === 0) this.#finish();
  }

  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    this.#detach();
    this.#listener.end();
    if (this.#keepAlive) {
      this.#socket.resume();
      this.#release(this.#socket);
    } else {
      this.#socket.destroy();
    }
  }

  #fail(err: NodeJS.ErrnoException): void {
    if (this.#done) return;
    this.#done = true;
    this.#detach();
    this.#socket.destroy();
    this.#listener.error(err, this.#reused && !this.#gotBytes);
  }

  #detach(): void {
    this.#socket.removeListener('data', this.#onData).removeListener('end', this.#onEnd).removeListener('error', this.#onError).removeListener('close', this.#onClose);
  }

  readonly #onEnd = () => {
    // A body delimited by the connection's end is complete; anything else was cut short.
    if (this.#inBody && this.#remaining === -1 && !this.#chunked) this.#finish();
    else this.#fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
  };

  readonly #onError = (err: NodeJS.ErrnoException) => this.#fail(err);

  readonly #onClose = () => this.#onEnd();
}
