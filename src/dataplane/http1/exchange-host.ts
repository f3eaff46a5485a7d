/**
 * What an Exchange needs from the downstream connection that carries it (implemented by
 * Http1Connection): writing, flow control, and being told the exchange is over.
 */
import type { Socket } from 'node:net';
import type { Exchange } from './exchange.ts';
import type { DownstreamInfo, Http1Options } from './types.ts';

export interface ExchangeHost {
  readonly options: Http1Options;
  readonly socket: Socket;
  readonly downstream: DownstreamInfo;
  readonly retryBufferBytes: number;
  /** drain() was called: the response carries `connection: close`. */
  readonly draining: boolean;
  /** Writes to the client; false when its buffer is full. */
  write(chunk: Buffer): boolean;
  /** Writes a local reply; returns the body bytes written. */
  writeLocalReply(status: number, body: string | Buffer, headers: readonly string[] | undefined, close: boolean, headRequest: boolean): number;
  /** Stops reading the client until `upstream` drains. */
  pauseFor(upstream: Socket): void;
  /** Stops reading the client until resume(). */
  pauseUntilResumed(): void;
  resume(): void;
  /** Stops reading the upstream until the client drains. */
  pauseUpstreamUntilDrained(upstream: Socket): void;
  /** The exchange is over; `reusable` when the connection may carry the next request. */
  exchangeDone(exchange: Exchange, reusable: boolean): void;
  /** After a 101: client bytes go to exchange.tunnelData from now on. */
  startTunnel(exchange: Exchange): void;
  /** Ends the client connection after pending writes. */
  endGracefully(): void;
  /** Resets the client connection. */
  destroy(): void;
}
