/**
 * Reads a connection's TLS ClientHello (without answering it) to learn the SNI a gateway
 * chooses its filter chain by; the bytes read are handed back to be replayed to whoever
 * handles the connection (a TLS terminator or a passthrough destination).
 */
import type { Socket } from 'node:net';
import { parseClientHello } from '../router/client-hello.ts';

export interface PeekedHello { data: Buffer; serverName: string | undefined }

/** Largest ClientHello record we wait for (a TLS record's maximum, plus its header). */
const MAX_HELLO_BYTES = 5 + 16_384 + 2048;

/** Undefined when the client sent no TLS, closed, or took longer than `timeoutMs`. */
export function peekClientHello(socket: Socket, timeoutMs: number): Promise<PeekedHello | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const finish = (result: PeekedHello | undefined) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onEnd);
      socket.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const parsed = parseClientHello(data);
      if (parsed.kind === 'hello') finish({ data, serverName: parsed.serverName?.toLowerCase() });
      else if (parsed.kind === 'not-tls' || length > MAX_HELLO_BYTES) finish(undefined);
    };
    const onEnd = () => finish(undefined);
    const timer = setTimeout(onEnd, timeoutMs);
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onEnd);
    socket.resume();
  });
}
