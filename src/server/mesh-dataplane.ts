/**
 * The mesh data plane in `skiff up` (docs/gateways.md, docs/sidecars.md): skiff's node proxy
 * plays Envoy for every gateway pod (src/server/mesh/mesh-gateways.ts) and every meshed pod's
 * sidecar (src/server/mesh/mesh-sidecars.ts) on this node. Like istiod, it watches
 * the configuration through the Client only (src/server/mesh/mesh-view.ts), debounces bursts
 * of changes, and recompiles every proxy from what its mesh sees. It also hands the in-process
 * mesh clients (the activator, the autoscaler's scraper) their auto mTLS, over the same
 * informers and the same workload certificates (`meshTls`).
 */
import { ProxyOutput, type ContainerStdout } from './mesh/proxy-output.ts';
import type { Client } from '../client/types.ts';
import { createMeshClientTls } from '../dataplane/mesh-tls/mesh-client-tls.ts';
import type { MeshClientTls } from '../dataplane/mesh-tls/types.ts';
import { EventRecorder } from '../runtime/events/recorder.ts';
import type { Logger } from '../util/log.ts';
import { MeshGateways, type GatewayProxyStatus } from './mesh/mesh-gateways.ts';
import { MeshSidecars, type SidecarStatus } from './mesh/mesh-sidecars.ts';
import { MeshView } from './mesh/mesh-view.ts';
import { createSidecarOutbound, type SidecarOutbound } from './mesh/sidecar-outbound.ts';
import type { ProxySyncStatus } from './mesh/proxy-sync.ts';
import type { ComponentHealth } from './types.ts';
import { DebouncedRunner } from '../util/debounced-runner.ts';

export type { GatewayProxyStatus } from './mesh/mesh-gateways.ts';
export type { ProxySyncStatus } from './mesh/proxy-sync.ts';

/** istiod's PILOT_DEBOUNCE_AFTER is 100 ms; changes arrive in bursts (kubectl apply of a file). */
const DEBOUNCE_MS = 75;

export interface RunningMeshDataplane {
  health(): ComponentHealth;
  gateways(): GatewayProxyStatus[];
  sidecars(): SidecarStatus[];
  /** What every proxy last applied (`skiff check`: SYNCED or STALE). */
  proxies(): ProxySyncStatus[];
  /** Auto mTLS for the mesh clients in skiff's process, from the node proxy's view and certificates. */
  readonly meshTls: MeshClientTls;
  /** The meshed pods' outbound auto mTLS for their Service traffic (the service proxy asks it). */
  readonly sidecarOutbound: SidecarOutbound;
  /** Resolves once the latest change has been compiled and applied. */
  /** Plugs in the kubelet: the proxies' `/dev/stdout` becomes their pods' istio-proxy container log. */
  connectContainerStdout(write: ContainerStdout): void;
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startMeshDataplane(client: Client, log: Logger): Promise<RunningMeshDataplane> {
  const events = new EventRecorder(client, { component: 'istio-proxy' }, log);
  // The runs read `sidecars` and `gateways`, made below: the first run starts after both exist.
  const loop = new DebouncedRunner(async () => {
    await sidecars.reconcile();
    await gateways.reconcile();
  }, DEBOUNCE_MS, (err) => log.error({ err }, 'mesh data plane reconcile failed'));
  const changed = () => loop.changed();
  const view = new MeshView(client, log, changed);
  const output = new ProxyOutput();
  const gateways = new MeshGateways(view, events, log, output);
  const sidecars = new MeshSidecars(view, events, log, changed, output);
  await view.start(changed);
  loop.runNow();
  const meshTls = createMeshClientTls(view, (mesh, source) => view.identities.certificate(mesh, source));

  return {
    meshTls,
    sidecarOutbound: createSidecarOutbound(view.pods, meshTls, (ip, port) => sidecars.outboundFor(ip, port), (pod) => {
      const mesh = view.meshOfNamespace(pod.metadata.namespace ?? '');
      const detection = mesh !== undefined ? view.protocolDetection(mesh) : undefined;
      return detection?.outbound ? (detection.timeoutMs !== undefined ? { timeoutMs: detection.timeoutMs } : {}) : false;
    }),
    gateways: () => gateways.statuses(),
    sidecars: () => sidecars.statuses(),
    proxies: () => [...gateways.proxySync(), ...sidecars.proxySync()],
    health: () => {
      const list = gateways.statuses();
      const text = list.map((g) => `${g.pod} ${g.address}:[${g.ports.join(',')}]${g.inFlight > 0 ? ` ${g.inFlight} in flight` : ''}${g.draining ? ' draining' : ''}${g.problems.length > 0 ? ` (${g.problems.length} problems)` : ''}`).join('; ');
      const meshed = sidecars.statuses();
      const withProblems = meshed.filter((m) => m.problems.length > 0).length;
      const sidecarText = meshed.length === 0 ? '' : `; ${meshed.length} sidecar${meshed.length === 1 ? '' : 's'}${withProblems > 0 ? ` (${withProblems} with problems)` : ''}`;
      return { name: 'mesh-gateways', healthy: true, message: `${list.length === 0 ? 'no gateway pods' : text}${sidecarText}` };
    },
    connectContainerStdout: (write) => output.connect(write),
    settled: () => loop.settled(),
    stop: async () => {
      const stopping = loop.stop();
      view.stop();
      await stopping;
      await Promise.all([gateways.stop(), sidecars.stop()]);
      await events.flush();
    },
  };
}
