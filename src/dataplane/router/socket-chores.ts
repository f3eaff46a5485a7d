/**
 * Socket chores of the router's listeners: peeking a ClientHello, answering and closing,
 * listening with errors as rejections.
 */
import type { AddressInfo, Server, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { parseClientHello } from './client-hello.ts';

export interface ListenAddress {
  address: string;
  port: number;
}

/**
 * The router's own answer, then the end of the connection: whatever else the client sends
 * is drained, and the socket goes once the answer has had time to reach it.
 */
export function answerAndClose(stream: Socket | TLSSocket, answer: Buffer): void {
  stream.on('data', () => {});
  stream.resume();
  stream.end(answer, () => setTimeout(() => stream.destroy(), 1000).unref());
}

/** Reads until the ClientHello record is complete; undefined for non-TLS, a timeout or an early end. Leaves the socket paused. */
export async function readClientHello(socket: Socket, timeoutMs: number): Promise<{ data: Buffer; serverName: string | undefined } | undefined> {
  return new Promise((resolve) => {
    let data = Buffer.alloc(0);
    const finish = (result: { data: Buffer; serverName: string | undefined } | undefined) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const parsed = parseClientHello(data);
      if (parsed.kind === 'hello') finish({ data, serverName: parsed.serverName });
      else if (parsed.kind === 'not-tls' || data.length > 5 + 65_535) finish(undefined);
    };
    const onEnd = () => finish(undefined);
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.resume();
  });
}

export function listenOn(server: Server, address: string, port: number): Promise<ListenAddress> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, address, () => {
      server.off('error', onError);
      const info = server.address() as AddressInfo;
      resolve({ address: info.address, port: info.port });
    });
  });
}
