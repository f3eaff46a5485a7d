/**
 * `kubectl exec` on the kubelet: the command runs in the container's context
 * (process/exec.ts) and its streams travel over a WebSocket with the v5.channel.k8s.io
 * framing — one leading byte per message names the channel: 0 stdin, 1 stdout, 2 stderr,
 * 3 the final Status, 4 terminal resize, 255 "close this channel" (stdin EOF). The Status
 * carries the exit code the way kubectl turns it into its own (`NonZeroExitCode`).
 */
import type { Readable } from 'node:stream';
import { startInContainer, type ExecContext, type ExecProcess } from '../process/exec.ts';
import type { WebSocketConnection } from './websocket.ts';

export const CHANNEL_PROTOCOL = 'v5.channel.k8s.io';

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const CLOSE = 255;

export interface ExecRequest {
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** Runs the command on a pseudo-terminal (util-linux `script`); stderr is part of it. */
  tty: boolean;
}

export function parseExecRequest(query: URLSearchParams): ExecRequest {
  const flag = (name: string) => query.get(name) === 'true' || query.get(name) === '1';
  return { command: query.getAll('command'), stdin: flag('stdin'), stdout: flag('stdout'), stderr: flag('stderr'), tty: flag('tty') };
}

/** The Status a finished command ends with on channel 3 (kubectl exits with the code). */
export function exitStatus(exitCode: number): object {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: error executing command [...], exit code ${exitCode}`,
    reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

export function errorStatus(message: string): object {
  return { metadata: {}, status: 'Failure', message: `Internal error occurred: error executing command in container: ${message}`, reason: 'InternalError', code: 500 };
}

function frame(channel: number, data: Buffer | string): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from([channel]), payload]);
}

/**
 * Runs the session: starts the command, relays the channels, and when the process has
 * exited and its output is drained sends the Status and closes with 1000 (anything else
 * makes kubectl report a stream error). Returns a handler for incoming messages and one
 * for the client going away (which kills the command).
 */
export async function runExecSession(ctx: ExecContext, request: ExecRequest, ws: WebSocketConnection): Promise<{ message(data: Buffer): void; gone(): void }> {
  let proc: ExecProcess;
  try {
    proc = await startInContainer(ctx, request.tty ? onTerminal(request.command) : request.command);
  } catch (err) {
    await ws.send(frame(ERROR, JSON.stringify(errorStatus((err as Error).message))));
    ws.close(1000);
    return { message: () => undefined, gone: () => undefined };
  }
  if (!request.stdin) proc.stdin.end();
  const relay = (stream: Readable, channel: number | undefined) => new Promise<void>((resolve) => {
    stream.on('data', (chunk: Buffer) => {
      if (channel === undefined || ws.closed) return;
      stream.pause();
      void ws.send(frame(channel, chunk)).then(() => stream.resume());
    });
    stream.once('end', resolve);
    stream.once('close', resolve);
  });
  const outChannel = request.stdout ? STDOUT : undefined;
  const errChannel = request.tty ? outChannel : request.stderr ? STDERR : undefined;
  const drained = Promise.all([relay(proc.stdout, outChannel), relay(proc.stderr, errChannel)]);
  void Promise.all([proc.exited, drained]).then(async ([exitCode]) => {
    if (ws.closed) return;
    await ws.send(frame(ERROR, JSON.stringify(exitStatus(exitCode))));
    ws.close(1000);
  });
  return {
    message: (data) => {
      const channel = data[0];
      if (channel === STDIN && request.stdin) proc.stdin.write(data.subarray(1));
      else if (channel === CLOSE && data[1] === STDIN) proc.stdin.end();
      // Channel 4 (resize) is not applied: `script` owns the terminal's master side.
    },
    gone: () => proc.kill('SIGKILL'),
  };
}

/**
 * Node has no pty of its own (node-pty is a native addon skiff does without), so a tty
 * session runs under `script`, which gives the command a pseudo-terminal (echo, line
 * editing, Ctrl-C as SIGINT) fed from our pipes, and exits with the command's code.
 */
export function onTerminal(command: readonly string[]): string[] {
  return ['script', '--quiet', '--flush', '--return', '--command', command.map(shellQuote).join(' '), '/dev/null'];
}

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
