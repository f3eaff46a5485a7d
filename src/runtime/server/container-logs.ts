/**
 * GET /containerLogs/{namespace}/{pod}/{container}: one container's log, as the kubelet
 * serves it to the API server's pods/log. Picks the current or (`previous`) the previous
 * instance's file and refuses as the kubelet's validateContainerLogStatus does when there
 * is none yet.
 */
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../../api/object.ts';
import { currentAndPreviousLogs, type PodLogRef } from '../logs/layout.ts';
import type { ExecContext } from '../process/exec.ts';
import type { AttachableProcess } from './attach-session.ts';
import { LogOptionsError, parseLogOptions } from './log-options.ts';
import { streamLog, type LogSink } from './log-stream.ts';
import { KubeletError } from './status.ts';

/** What the log endpoint needs of the kubelet (KubeletHandle satisfies it). */
export interface KubeletPods {
  readonly logsRoot: string;
  pod(namespace: string, name: string): KubeletPod | undefined;
}

export interface KubeletPod {
  readonly uid: string;
  readonly pod: KubeObject;
  /** The running instance of a container, if any (identity changes on every restart). */
  instance(container: string): { readonly exec: ExecContext; readonly proc?: AttachableProcess } | undefined;
}

interface ContainerStatusLike {
  name?: string;
  state?: { waiting?: { reason?: string } };
}

export async function serveContainerLogs(pods: KubeletPods, ref: { namespace: string; pod: string; container: string }, query: URLSearchParams, res: ServerResponse): Promise<void> {
  let opts;
  try {
    opts = parseLogOptions(query, new Date());
  } catch (err) {
    if (err instanceof LogOptionsError) throw new KubeletError(400, err.message);
    throw err;
  }
  const worker = pods.pod(ref.namespace, ref.pod);
  if (!worker) throw new KubeletError(404, `pod "${ref.pod}" in namespace "${ref.namespace}" not found on this node`);
  const spec = (worker.pod.spec ?? {}) as { containers?: Array<{ name: string }>; initContainers?: Array<{ name: string }> };
  const known = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].some((c) => c.name === ref.container);
  if (!known) throw new KubeletError(400, `container ${ref.container} is not valid for pod ${ref.pod}`);

  const logRef: PodLogRef = { namespace: ref.namespace, name: ref.pod, uid: worker.uid };
  const files = await currentAndPreviousLogs(pods.logsRoot, logRef, ref.container);
  const path = opts.previous ? files.previous : files.current;
  if (!path) {
    if (opts.previous) throw new KubeletError(400, `previous terminated container "${ref.container}" in pod "${ref.pod}" not found`);
    throw new KubeletError(400, `container "${ref.container}" in pod "${ref.pod}" is waiting to start: ${waitingReason(worker.pod, ref.container)}`);
  }

  // Only the current file of a running instance grows; everything else is read once.
  const instance = opts.previous ? undefined : worker.instance(ref.container);
  const follow = instance ? { running: () => pods.pod(ref.namespace, ref.pod) === worker && worker.instance(ref.container) === instance } : undefined;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  await streamLog(path, opts, responseSink(res), follow);
  res.end();
}

function waitingReason(pod: KubeObject, container: string): string {
  const status = (pod.status ?? {}) as { containerStatuses?: ContainerStatusLike[]; initContainerStatuses?: ContainerStatusLike[] };
  const all = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
  return all.find((s) => s.name === container)?.state?.waiting?.reason ?? 'ContainerCreating';
}

function responseSink(res: ServerResponse): LogSink {
  let closed = false;
  res.once('close', () => (closed = true));
  return {
    get closed() {
      return closed || res.destroyed;
    },
    write: (chunk) => new Promise<void>((resolve) => {
      if (res.write(chunk)) return resolve();
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.once('drain', done);
      res.once('close', done);
    }),
  };
}
