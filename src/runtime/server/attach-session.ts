/**
 * `kubectl attach` on the kubelet: the running container's own output from now on, over
 * the same v5.channel.k8s.io WebSocket framing as exec, and its stdin when the container
 * was started with `stdin: true`. The session ends with a Success Status when the
 * container exits; the client leaving only detaches.
 */
import type { Readable, Writable } from 'node:stream';
import type { ExecRequest } from './exec-session.ts';
import type { WebSocketConnection } from './websocket.ts';

/** The live streams of a container instance (ContainerInstance.proc satisfies it). */
export interface AttachableProcess {
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly stdin: Writable | undefined;
  readonly exited: Promise<unknown>;
}

const frame = (channel: number, data: Buffer) => Buffer.concat([Buffer.from([channel]), data]);

export function runAttachSession(proc: AttachableProcess, request: ExecRequest, ws: WebSocketConnection): { message(data: Buffer): void; gone(): void } {
  // The container's output also feeds its log: it is never paused for a slow client.
  const onStdout = (chunk: Buffer) => void ws.send(frame(1, chunk));
  const onStderr = (chunk: Buffer) => void ws.send(frame(request.tty ? 1 : 2, chunk));
  if (request.stdout) proc.stdout.on('data', onStdout);
  if (request.stderr || request.tty) proc.stderr.on('data', onStderr);
  const detach = () => {
    proc.stdout.off('data', onStdout);
    proc.stderr.off('data', onStderr);
  };
  void proc.exited.then(async () => {
    detach();
    if (ws.closed) return;
    await ws.send(frame(3, Buffer.from(JSON.stringify({ metadata: {}, status: 'Success' }))));
    ws.close(1000);
  });
  return {
    message: (data) => {
      if (data[0] === 0 && request.stdin) proc.stdin?.write(data.subarray(1));
    },
    gone: detach,
  };
}
