/**
 * The kubelet's /exec/{namespace}/{pod}/{container} upgrade: checks the container is
 * running, then speaks v5.channel.k8s.io over a WebSocket (exec-session.ts) or
 * v4.channel.k8s.io over SPDY/3.1 (exec-spdy.ts, kubectl's fallback). A refusal is a
 * Status, which kubectl prints.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { KubeletPods } from './container-logs.ts';
import { runAttachSession } from './attach-session.ts';
import { CHANNEL_PROTOCOL, parseExecRequest, runExecSession } from './exec-session.ts';
import { SPDY_EXEC_PROTOCOL, upgradeExecSpdy } from './exec-spdy.ts';
import { KubeletError } from './status.ts';
import { acceptWebSocket, isWebSocketUpgrade, offeredProtocols } from './websocket.ts';

export async function upgradeExec(pods: KubeletPods, ref: { namespace: string; pod: string; container: string }, query: URLSearchParams, req: IncomingMessage, socket: Duplex, head: Buffer, attach = false): Promise<void> {
  const worker = pods.pod(ref.namespace, ref.pod);
  if (!worker) throw new KubeletError(404, `pod "${ref.pod}" in namespace "${ref.namespace}" not found on this node`);
  const request = parseExecRequest(query);
  if (request.command.length === 0 && !attach) throw new KubeletError(400, 'you must specify at least one command for the container');
  if (!request.stdin && !request.stdout && !request.stderr) throw new KubeletError(400, 'you must specify at least 1 of stdin, stdout, stderr');
  const instance = worker.instance(ref.container);
  if (!instance) throw new KubeletError(404, `container not found ("${ref.container}")`);
  if (attach && !instance.proc) throw new KubeletError(400, `container ${ref.container} cannot be attached to`);
  if (attach && (req.headers.upgrade ?? '').toLowerCase() === 'spdy/3.1') throw new KubeletError(400, `attach is served over WebSockets only (${CHANNEL_PROTOCOL}, kubectl 1.30 or later)`);
  if ((req.headers.upgrade ?? '').toLowerCase() === 'spdy/3.1') return upgradeExecSpdy(instance.exec, request, req, socket, head);
  if (!isWebSocketUpgrade(req)) throw new KubeletError(400, `upgrade ${req.headers.upgrade ?? '(none)'} is not supported: skiff's kubelet speaks ${CHANNEL_PROTOCOL} over WebSockets or ${SPDY_EXEC_PROTOCOL} over SPDY/3.1`);
  if (!offeredProtocols(req).includes(CHANNEL_PROTOCOL)) throw new KubeletError(400, `none of the offered subprotocols is supported; use ${CHANNEL_PROTOCOL}`);

  // Messages that arrive while the command starts are kept and replayed in order.
  const state: { session?: { message(data: Buffer): void; gone(): void }; early: Buffer[]; gone: boolean } = { early: [], gone: false };
  const ws = acceptWebSocket(req, socket, head, CHANNEL_PROTOCOL, {
    message: (data) => (state.session ? state.session.message(data) : state.early.push(data)),
    close: () => {
      state.gone = true;
      state.session?.gone();
    },
  });
  const session = attach && instance.proc ? runAttachSession(instance.proc, request, ws) : await runExecSession(instance.exec, request, ws);
  for (const data of state.early) session.message(data);
  state.session = session;
  if (state.gone) session.gone();
}
