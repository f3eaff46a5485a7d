/**
 * An image host: one Node process running many instances of skiff's built-in programs
 * (src/images/*, written against ProgramIO), each with its own environment, arguments,
 * output and signals. A hello-world container then costs a few hundred kilobytes and starts
 * in about a millisecond, instead of a 45 MB Node process and 60+ ms of CPU.
 *
 * Protocol: newline-delimited JSON on fd 3 (a socket pair with the runtime).
 *   runtime → host: {op:'start', id, program, args, env}   {op:'signal', id, signal}
 *   host → runtime: {op:'ready'}  {op:'out', id, stream, data}  {op:'exit', id, code, signal?}
 * The host exits when fd 3 closes (the runtime stopped or died). Bundled on its own, run
 * with plain `node`.
 */
import { Socket } from 'node:net';
import { constants } from 'node:os';
import { echo } from '../../images/echo/program.ts';
import { eventDisplay } from '../../images/event-display/program.ts';
import { helloworld } from '../../images/helloworld/program.ts';
import { istioProxy } from '../../images/istio-proxy/program.ts';
import { knativeComponent } from '../../images/knative-component/program.ts';
import { kubeRbacProxy } from '../../images/kube-rbac-proxy/program.ts';
import { pilot } from '../../images/pilot/program.ts';
import { queueProxy } from '../../images/queue-proxy/program.ts';
import type { Program, ProgramIO, ProgramSignal, RunningProgram } from '../../images/program.ts';

const PROGRAMS: Record<string, Program> = { helloworld, echo, 'event-display': eventDisplay, 'istio-proxy': istioProxy, pilot, 'queue-proxy': queueProxy, 'knative-component': knativeComponent, 'kube-rbac-proxy': kubeRbacProxy };

interface Instance {
  running?: RunningProgram;
  handlers: Map<ProgramSignal, Array<() => void>>;
  finished: boolean;
}

type Message =
  | { op: 'start'; id: string; program: string; args: string[]; env: Record<string, string> }
  | { op: 'signal'; id: string; signal: NodeJS.Signals };

const control = new Socket({ fd: 3, readable: true, writable: true });
const instances = new Map<string, Instance>();
const send = (msg: object) => control.write(`${JSON.stringify(msg)}\n`);

function finish(id: string, code: number, signal?: NodeJS.Signals): void {
  const instance = instances.get(id);
  if (!instance || instance.finished) return;
  instance.finished = true;
  instances.delete(id);
  try {
    instance.running?.close();
  } catch {
    // closing a half-started program
  }
  send({ op: 'exit', id, code, ...(signal ? { signal } : {}) });
}

function start(msg: Extract<Message, { op: 'start' }>): void {
  const instance: Instance = { handlers: new Map(), finished: false };
  instances.set(msg.id, instance);
  const io: ProgramIO = {
    env: msg.env,
    args: msg.args,
    stdout: { write: (data) => void send({ op: 'out', id: msg.id, stream: 'stdout', data }) },
    stderr: { write: (data) => void send({ op: 'out', id: msg.id, stream: 'stderr', data }) },
    onSignal: (signal, handler) => {
      instance.handlers.set(signal, [...(instance.handlers.get(signal) ?? []), handler]);
    },
    exit: (code) => setImmediate(() => finish(msg.id, code)),
  };
  const program = PROGRAMS[msg.program];
  if (!program) {
    io.stderr.write(`no built-in program "${msg.program}"\n`);
    return finish(msg.id, 127);
  }
  try {
    instance.running = program(io);
    if (instance.finished) instance.running.close();
    // The program's synchronous start is done (an IP-literal listen is bound by now): the
    // runtime may report the container Started and begin probing it.
    else send({ op: 'started', id: msg.id });
  } catch (err) {
    io.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    finish(msg.id, 1);
  }
}

function signal(msg: Extract<Message, { op: 'signal' }>): void {
  const instance = instances.get(msg.id);
  if (!instance) return;
  const handlers = msg.signal === 'SIGKILL' ? [] : instance.handlers.get(msg.signal as ProgramSignal) ?? [];
  if (handlers.length === 0) return finish(msg.id, 128 + (constants.signals[msg.signal] ?? 0), msg.signal);
  for (const h of handlers) {
    try {
      h();
    } catch (err) {
      send({ op: 'out', id: msg.id, stream: 'stderr', data: `${(err as Error).stack ?? String(err)}\n` });
      finish(msg.id, 1);
    }
  }
}

let buffered = '';
control.setEncoding('utf8');
control.on('data', (chunk: string) => {
  buffered += chunk;
  for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
    const msg = JSON.parse(buffered.slice(0, nl)) as Message;
    buffered = buffered.slice(nl + 1);
    if (msg.op === 'start') start(msg);
    else if (msg.op === 'signal') signal(msg);
  }
});
control.on('close', () => process.exit(0));
control.on('error', () => process.exit(0));
send({ op: 'ready' });
