/**
 * Requests the activator answers itself, in upstream's handler order (cmd/activator/main.go):
 * 1. kubelet probes (User-Agent `kube-probe/…` or a `K-Kubelet-Probe` header) → 200, or
 *    500 while draining (HealthHandler: the pod leaves its Service before it stops);
 * 2. `K-Network-Probe: probe` → 200 echoing `K-Network-Hash` (knative.dev/networking's probe
 *    handler; the ingress's readiness probing), 400 without the hash;
 * 3. any other `K-Network-Probe` → `activator` for the value `activator` (the KPA checks the
 *    activator is in path before scaling to zero), 400 for other values.
 */
import { HEADERS } from '../../controllers/serving/shared/contracts.ts';

export const ACTIVATOR_NAME = 'activator';

export interface ProbeAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function header(headers: Headers, name: string): string {
  const v = headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

export function isKubeletProbe(headers: Headers): boolean {
  return header(headers, 'user-agent').startsWith('kube-probe/') || header(headers, HEADERS.kubeletProbe) !== '';
}

/** The answer to a probe, or undefined for a request to proxy. */
export function answerProbe(headers: Headers, draining: boolean): ProbeAnswer | undefined {
  if (isKubeletProbe(headers)) {
    return draining ? { status: 500, body: 'received SIGTERM from kubelet\n' } : { status: 200, body: '' };
  }
  const probe = header(headers, HEADERS.probe);
  if (probe === '') return undefined;
  if (probe === 'probe') {
    const hash = header(headers, HEADERS.hash);
    if (hash === '') return { status: 400, body: `a probe request must contain a non-empty "K-Network-Hash" header\n` };
    return { status: 200, body: '', headers: { 'K-Network-Hash': hash } };
  }
  if (probe !== ACTIVATOR_NAME) return { status: 400, body: `unexpected probe header value: ${JSON.stringify(probe)}\n` };
  return { status: 200, body: ACTIVATOR_NAME };
}
