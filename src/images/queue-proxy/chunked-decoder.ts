/**
 * Decodes a chunked body (RFC 9112 §7.1) as it arrives in pieces: the data of each chunk
 * comes out, sizes, extensions and trailers are consumed. The queue-proxy's response re-frames
 * the body for its client, as Go's and Node's proxies do. Pure.
 */

const MAX_LINE = 4096;

export class ChunkedDecoder {
  #state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  #line = '';
  #left = 0;

  get finished(): boolean {
    return this.#state === 'done';
  }

  /** The body bytes in `input`, or an Error when the framing is broken. Bytes past the end are ignored. */
  push(input: Buffer): Buffer[] | Error {
    const out: Buffer[] = [];
    let i = 0;
    while (i < input.length && this.#state !== 'done') {
      if (this.#state === 'data') {
        const n = Math.min(this.#left, input.length - i);
        out.push(input.subarray(i, i + n));
        i += n;
        this.#left -= n;
        if (this.#left === 0) this.#state = 'data-end';
        continue;
      }
      // The other states read lines.
      const nl = input.indexOf(10, i);
      const end = nl < 0 ? input.length : nl + 1;
      this.#line += input.toString('latin1', i, end);
      i = end;
      if (nl < 0) {
        if (this.#line.length > MAX_LINE) return new Error('chunk line too long');
        continue;
      }
      const line = this.#line.replace(/\r?\n$/, '');
      this.#line = '';
      if (this.#state === 'data-end') {
        if (line !== '') return new Error('malformed chunk end');
        this.#state = 'size';
      } else if (this.#state === 'size') {
        const size = line.split(';', 1)[0]!.trim();
        if (!/^[0-9a-fA-F]+$/.test(size)) return new Error(`malformed chunk size: ${JSON.stringify(size)}`);
        this.#left = parseInt(size, 16);
        this.#state = this.#left === 0 ? 'trailer' : 'data';
      } else if (line === '') {
        this.#state = 'done';
      }
    }
    return out;
  }
}
