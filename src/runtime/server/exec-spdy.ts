/**
 * `kubectl exec` over SPDY/3.1, the transport of kubectl before 1.30 and of
 * KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false: protocol v4.channel.k8s.io, one SPDY stream per
 * channel, named by the `streamtype` header (error, stdin, stdout, stderr, resize). The
 * command starts once every expected stream has arrived; the Status is written on the
 * error stream at the end, as with WebSockets.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import { startInContainer, type ExecContext } from '../process/exec.ts';
import { errorStatus, exitStatus, onTerminal, type ExecRequest } from './exec-session.ts';
import { SpdySession, type SpdyStream } from './spdy-session.ts';
import { KubeletError } from './status.ts';

export const SPDY_EXEC_PROTOCOL = 'v4.channel.k8s.io';

/** How long the client gets to open all its streams (the kubelet's stream creation timeout). */
const STREAM_WAIT_MS = 30_000;

export function upgradeExecSpdy(ctx: ExecContext, request: ExecRequest, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const offered = String(req.headers['x-stream-protocol-version'] ?? '').split(',').map((p) => p.trim());
  if (!offered.includes(SPDY_EXEC_PROTOCOL) && !offered.includes('v5.channel.k8s.io')) {
    throw new KubeletError(403, `unable to negotiate protocol: client supports ${offered.join(', ')}, server supports ${SPDY_EXEC_PROTOCOL}`);
  }
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${SPDY_EXEC_PROTOCOL}\r\n\r\n`);
  const expected = 1 + Number(request.stdin) + Number(request.stdout) + Number(request.stderr && !request.tty) + Number(request.tty);
  const streams = new Map<string, SpdyStream>();
  let started = false;
  const timer = setTimeout(() => session.close(), STREAM_WAIT_MS);
  const session = new SpdySession(socket, head, (stream) => {
    streams.set(stream.headers.get('streamtype') ?? '', stream);
    if (started || streams.size < expected) return;
    started = true;
    clearTimeout(timer);
    void run(ctx, request, streams, session);
  });
  session.onClose(() => clearTimeout(timer));
}

async function run(ctx: ExecContext, request: ExecRequest, streams: Map<string, SpdyStream>, session: SpdySession): Promise<void> {
  const error = streams.get('error');
  const finish = (status: object) => {
    error?.write(Buffer.from(JSON.stringify(status)));
    for (const stream of streams.values()) stream.end();
    session.end();
  };
  let proc;
  try {
    proc = await startInContainer(ctx, request.tty ? onTerminal(request.command) : request.command);
  } catch (err) {
    finish(errorStatus((err as Error).message));
    return;
  }
  session.onClose(() => proc.kill('SIGKILL'));
  const stdin = streams.get('stdin');
  if (stdin) stdin.on({ data: (chunk) => proc.stdin.write(chunk), end: () => proc.stdin.end() });
  else proc.stdin.end();
  for (const other of ['error', 'stdout', 'stderr', 'resize']) streams.get(other)?.on({ data: () => undefined, end: () => undefined });
  const relay = (from: Readable, to: SpdyStream | undefined) => new Promise<void>((resolve) => {
    from.on('data', (chunk: Buffer) => {
      if (to && !to.write(chunk)) {
        from.pause();
        session.socket.once('drain', () => from.resume());
      }
    });
    from.once('end', resolve);
    from.once('close', resolve);
  });
  const out = streams.get('stdout');
  const drained = Promise.all([relay(proc.stdout, out), relay(proc.stderr, request.tty ? out : streams.get('stderr'))]);
  const [exitCode] = await Promise.all([proc.exited, drained]);
  finish(exitStatus(exitCode));
}
