/**
 * The activator's probe of one revision pod (pkg/activator/net/revision_backends.go probe):
 * `GET /healthz` on the pod's queue-proxy with `K-Network-Probe: queue` and the
 * `Knative-Activator-Probe` user agent. The queue-proxy runs the user container's readiness
 * probe and answers 200 `queue` once it passes (503 while it does not, or while draining).
 * Only that exact answer counts; a refused connection, another status or body, or no answer
 * within the timeout is a failed probe (the next round tries again). Under the mesh the probe
 * goes as the activator's mTLS (`caller`), as its sidecar would send it: a STRICT pod's
 * sidecar refuses a plaintext probe.
 */
import type { ClientRequest } from 'node:http';
import { HEADERS } from '../../controllers/serving/shared/contracts.ts';
import { podConnection, requestFunction, requestOptions, type PodCaller } from './pod-connection.ts';

/** network.ProbePath. */
export const PROBE_PATH = '/healthz';
/** network.ActivatorUserAgent. */
export const ACTIVATOR_USER_AGENT = 'Knative-Activator-Probe';
/** queue.Name: the probe header's value and the body of a passing answer. */
export const QUEUE_PROBE_VALUE = 'queue';
/** pkg/activator/net/revision_backends.go probeTimeout. */
export const PROBE_TIMEOUT_MS = 300;

/** Whether the queue-proxy at `dest` (`ip:port`) says its pod is ready; never rejects. */
export function probeQueue(dest: string, timeoutMs = PROBE_TIMEOUT_MS, caller?: PodCaller): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let settled = false;
    let req: ClientRequest | undefined;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req?.destroy();
      resolve(ok);
    };
    // The queue-proxy holds a probe while it polls the user container: give up after the timeout
    // (which covers asking the mesh how to connect).
    const timer = setTimeout(() => finish(false), timeoutMs);
    podConnection(dest, caller).then((conn) => {
      if (settled) return;
      // A fresh connection each time: the probe must reach this pod now, not a pooled socket's past.
      req = requestFunction(conn)({
        ...requestOptions(conn), method: 'GET', path: PROBE_PATH, agent: false,
        headers: { [HEADERS.probe]: QUEUE_PROBE_VALUE, 'user-agent': ACTIVATOR_USER_AGENT },
      }, (res) => {
        if (res.statusCode !== 200) return finish(false);
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (body.length > QUEUE_PROBE_VALUE.length) finish(false);
        });
        res.on('end', () => finish(body === QUEUE_PROBE_VALUE));
        res.on('error', () => finish(false));
      });
      req.on('error', () => finish(false));
      req.end();
    }, () => finish(false));
  });
}
