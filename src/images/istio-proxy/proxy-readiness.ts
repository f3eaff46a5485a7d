/**
 * Envoy's readiness as pilot-agent reports it on /healthz/ready: the proxy is ready once it
 * runs with its first configuration (Istio checks that Envoy is LIVE and took its first LDS
 * and CDS pushes). In skiff the sidecar's Envoy is the node proxy serving the pod IP when the
 * app has an inner address of its own; it opens the pod's :15090 once its first
 * configuration's inbound listeners are up, so that port answering is the signal. Until then
 * a meshed pod is not Ready, so no client is sent to a pod IP nothing listens on.
 *
 * A check that finds the proxy not ready yet keeps looking for up to `holdMs` (shorter than
 * the probes' timeouts: 1 s on the gateways, 3 s on injected sidecars), as Knative's
 * queue-proxy holds the kubelet's probe while the app starts: the pod turns Ready as soon as
 * the proxy is, not a probe period later. Once ready it stays so: the node proxy keeps the
 * pod's listeners until the pod goes (Envoy turns unready only when it drains).
 */
import { acceptsConnection } from './app-probers.ts';

export const ENVOY_STATS_PORT = 15090;
const RETRY_MS = 25;

export const NOT_READY_MESSAGE = 'Envoy proxy is NOT ready: config not received from XDS server (is Istiod running?): the proxy has not opened its listeners for this pod yet';

export interface ProxyReadiness {
  /** Resolves true once the proxy is ready (and stays true), false if it was not within the hold. */
  check(): Promise<boolean>;
}

/** `proxyAddress` undefined: no node proxy serves this pod (not meshed, or netns mode), so Envoy's part is ready. */
export function proxyReadiness(proxyAddress: string | undefined, holdMs = 500): ProxyReadiness {
  let ready = proxyAddress === undefined;
  return {
    async check(): Promise<boolean> {
      const deadline = Date.now() + holdMs;
      while (!ready) {
        ready = await acceptsConnection(proxyAddress!, ENVOY_STATS_PORT, Math.max(1, deadline - Date.now()));
        if (ready || Date.now() + RETRY_MS >= deadline) break;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
      return ready;
    },
  };
}
