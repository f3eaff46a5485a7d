/**
 * The address variables every container gets (docs/runtime.md): SKIFF_POD_IP (status.podIP),
 * SKIFF_APP_ADDRESS (where the pod's app is reached from inside the pod, bypassing its
 * sidecar: the inner address of a meshed pod) and SKIFF_LISTEN_ADDRESS (what the
 * container's built-in program binds). In a meshed pod the app containers bind the inner
 * address so that the node proxy can own the pod IP as their sidecar, while the sidecar's
 * agent (`istio-proxy`) binds the pod IP itself: the kubelet's rewritten probes reach it
 * there (15020/15021), as they reach pilot-agent in Istio.
 */
import type { PodSandboxNetwork } from '../network/pod-network.ts';
import { SIDECAR_CONTAINER_NAME } from '../network/inner-address.ts';

export function addressEnvironment(sandbox: Pick<PodSandboxNetwork, 'ip' | 'appAddress' | 'listenAddress' | 'sidecarListenAddress'>, containerName: string): Array<[string, string]> {
  return [
    ['SKIFF_POD_IP', sandbox.ip],
    ['SKIFF_APP_ADDRESS', sandbox.appAddress],
    ['SKIFF_LISTEN_ADDRESS', containerName === SIDECAR_CONTAINER_NAME ? sandbox.sidecarListenAddress : sandbox.listenAddress],
  ];
}
