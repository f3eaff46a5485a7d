/**
 * Finds where a chunked body ends without decoding it: the proxy forwards chunked bytes
 * unchanged and only needs the boundary (to find the next pipelined request, or to know the
 * response is complete), the count of payload bytes (Envoy's %BYTES_RECEIVED%/%BYTES_SENT%
 * count decoded body bytes) and a strict check of the framing (a bad chunk size is a
 * smuggling vector: it is rejected, never guessed at).
 */

const enum S {
  Size,
  SizeExt,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  LineStart,
  Trailer,
  TrailerLf,
  EndLf,
  Done,
}

/** 16 hex digits would overflow a double's exact range; Envoy caps chunk sizes at 32 bits. */
const MAX_SIZE_DIGITS = 8;
const MAX_TRAILER_BYTES = 60 * 1024;

export class ChunkedScanner {
  #state = S.Size;
  #remaining = 0;
  #digits = 0;
  #trailerBytes = 0;
  /** Decoded payload bytes seen so far. */
  payloadBytes = 0;

  get done(): boolean {
    return this.#state === S.Done;
  }

  /**
   * Scans `buf[start, end)`. Returns the index just past the body's last byte when the body
   * ends inside this range, `end` when more is needed, or -1 when the framing is invalid.
   */
  scan(buf: Buffer, start: number, end: number): number {
    let i = start;
    while (i < end) {
      switch (this.#state) {
        case S.Data: {
          const take = Math.min(this.#remaining, end - i);
          i += take;
          this.#remaining -= take;
          this.payloadBytes += take;
          if (this.#remaining === 0) this.#state = S.DataCr;
          continue;
        }
        case S.Size: {
          const c = buf[i]!;
          const v = hexValue(c);
          if (v >= 0) {
            if (++this.#digits > MAX_SIZE_DIGITS) return -1;
            this.#remaining = this.#remaining * 16 + v;
          } else if (this.#digits === 0) return -1;
          else if (c === 0x3b /* ; */) this.#state = S.SizeExt;
          else if (c === 0x0d) this.#state = S.SizeLf;
          else return -1;
          break;
        }
        case S.SizeExt: {
          const c = buf[i]!;
          if (c === 0x0d) this.#state = S.SizeLf;
          else if (c === 0x0a || (c < 0x20 && c !== 0x09) || c === 0x7f) return -1;
          break;
        }
        case S.SizeLf:
          if (buf[i] !== 0x0a) return -1;
          this.#digits = 0;
          this.#state = this.#remaining === 0 ? S.LineStart : S.Data;
          break;
        case S.DataCr:
          if (buf[i] !== 0x0d) return -1;
          this.#state = S.DataLf;
          break;
        case S.DataLf:
          if (buf[i] !== 0x0a) return -1;
          this.#state = S.Size;
          break;
        case S.LineStart:
          // After the last chunk: either the final CRLF or a trailer field line.
          if (buf[i] === 0x0d) this.#state = S.EndLf;
          else this.#state = S.Trailer;
          break;
        case S.Trailer: {
          const c = buf[i]!;
          if (++this.#trailerBytes > MAX_TRAILER_BYTES) return -1;
          if (c === 0x0d) this.#state = S.TrailerLf;
          else if (c === 0x0a) return -1;
          break;
        }
        case S.TrailerLf:
          if (buf[i] !== 0x0a) return -1;
          this.#state = S.LineStart;
          break;
        case S.EndLf:
          if (buf[i] !== 0x0a) return -1;
          this.#state = S.Done;
          return i + 1;
        case S.Done:
          return i;
      }
      i++;
    }
    return end;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}
