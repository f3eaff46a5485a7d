/**
 * What skiff's node proxy knows of the meshes, as istiod does: informers over the objects the
 * proxies' configuration is compiled from (through the Client only), the per-mesh snapshot
 * each proxy is compiled against (Maistra: a control plane sees its own namespace and its
 * members), the mesh config of a pod's control plane, and workload certificates from the one
 * certificate source of the node proxy (workload-identities.ts), which the in-process mesh
 * clients share (src/dataplane/mesh-tls takes these informers and that source).
 */
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import { ENDPOINT_SLICE, SERVICE, type EndpointSlice, type Service } from '../../api/builtin/core/service-view.ts';
import type { KubeObject } from '../../api/object.ts';
import { Informer } from '../../client/informer.ts';
import type { Client } from '../../client/types.ts';
import { meshConfigMapName, parseMeshConfig } from '../../controllers/mesh/controlplane/resources/mesh-config.ts';
import { protocolDetectionOf } from '../../controllers/mesh/controlplane/resources/settings.ts';
import type { Fields } from '../../api/mesh/fields.ts';
import type { MeshSnapshot } from '../../dataplane/config/compile-proxy.ts';
import type { AuthorizationPolicy, DestinationRule, Gateway, Secret, ServiceEntry, VirtualService } from '../../dataplane/config/istio-specs.ts';
import { meshOptionsFrom } from '../../dataplane/config/mesh-options.ts';
import type { PeerAuthentication } from '../../dataplane/config/peer-authentication.ts';
import { MEMBER_OF_LABEL, meshNamespaces, scopeToMesh } from '../../dataplane/gateway/mesh-scope.ts';
import { CA_SECRET_NAME, PLUGIN_SECRET_NAME, type WorkloadCertificate } from '../../mesh/pki/index.ts';
import type { Logger } from '../../util/log.ts';
import { WorkloadIdentities } from './workload-identities.ts';

const KINDS = {
  pod: { apiVersion: 'v1', kind: 'Pod' },
  node: { apiVersion: 'v1', kind: 'Node' },
  namespace: { apiVersion: 'v1', kind: 'Namespace' },
  secret: { apiVersion: 'v1', kind: 'Secret' },
  configMap: { apiVersion: 'v1', kind: 'ConfigMap' },
  gateway: { apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway' },
  virtualService: { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService' },
  destinationRule: { apiVersion: 'networking.istio.io/v1beta1', kind: 'DestinationRule' },
  serviceEntry: { apiVersion: 'networking.istio.io/v1beta1', kind: 'ServiceEntry' },
  peerAuthentication: { apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication' },
  authorizationPolicy: { apiVersion: 'security.istio.io/v1beta1', kind: 'AuthorizationPolicy' },
  controlPlane: { apiVersion: 'maistra.io/v2', kind: 'ServiceMeshControlPlane' },
} as const;

export interface Workload { meshNamespace: string; namespace: string; serviceAccount: string }

export class MeshView {
  readonly pods: Informer<Pod>;
  readonly nodes: Informer<KubeObject & { spec?: { podCIDR?: string } }>;
  readonly namespaces: Informer<KubeObject>;
  readonly #services: Informer<Service>;
  readonly #slices: Informer<EndpointSlice>;
  readonly #secrets: Informer<Secret>;
  readonly #configMaps: Informer<KubeObject & { data?: Record<string, string> }>;
  readonly #gateways: Informer<Gateway>;
  readonly #virtualServices: Informer<VirtualService>;
  readonly #destinationRules: Informer<DestinationRule>;
  readonly #serviceEntries: Informer<ServiceEntry>;
  readonly peerAuthentications: Informer<PeerAuthentication>;
  /** Only for the in-process mesh clients (a mesh exists while its control plane does): no proxy is compiled from it. */
  readonly controlPlanes: Informer<KubeObject>;
  readonly #authorizationPolicies: Informer<AuthorizationPolicy>;
  readonly #all: Informer<KubeObject>[];
  /** The node proxy's one source of workload certificates (gateways, sidecars, in-process mesh clients). */
  readonly identities: WorkloadIdentities;

  /** `onRenewal` is called when a certificate handed out is due for renewal (recompile then). */
  constructor(client: Client, log: Logger, onRenewal: () => void) {
    const informer = <T extends KubeObject>(type: { apiVersion: string; kind: string }) => new Informer<T>(client, type, {}, log);
    this.pods = informer(KINDS.pod);
    this.nodes = informer(KINDS.node);
    this.namespaces = informer(KINDS.namespace);
    this.#services = informer(SERVICE);
    this.#slices = informer(ENDPOINT_SLICE);
    this.#secrets = informer(KINDS.secret);
    this.#configMaps = informer(KINDS.configMap);
    this.#gateways = informer(KINDS.gateway);
    this.#virtualServices = informer(KINDS.virtualService);
    this.#destinationRules = informer(KINDS.destinationRule);
    this.#serviceEntries = informer(KINDS.serviceEntry);
    this.peerAuthentications = informer(KINDS.peerAuthentication);
    this.controlPlanes = informer(KINDS.controlPlane);
    this.#authorizationPolicies = informer(KINDS.authorizationPolicy);
    this.#all = [this.pods, this.nodes, this.namespaces, this.#services, this.#slices, this.#secrets, this.#configMaps, this.#gateways,
      this.#virtualServices, this.#destinationRules, this.#serviceEntries, this.peerAuthentications, this.#authorizationPolicies] as Informer<KubeObject>[];
    this.identities = WorkloadIdentities.overClient(client, log);
    this.identities.onRenewal(onRenewal);
    // A CA Secret appearing (or replaced) ends the identities' "no CA yet" back-off at once.
    const caChanged = (s: Secret) => {
      if (s.metadata.name === CA_SECRET_NAME || s.metadata.name === PLUGIN_SECRET_NAME) this.identities.caChanged(s.metadata.namespace ?? '');
    };
    this.#secrets.addHandlers({ add: caChanged, update: (_old, s) => caChanged(s), delete: caChanged });
  }

  async start(onChange: () => void): Promise<void> {
    const handlers = { add: onChange, update: onChange, delete: onChange };
    try {
      for (const i of this.#all) {
        i.addHandlers(handlers);
        await i.start();
      }
      await this.controlPlanes.start();
    } catch (err) {
      this.stop();
      throw err;
    }
  }

  stop(): void {
    for (const i of this.#all) i.stop();
    this.controlPlanes.stop();
    this.identities.stop();
  }

  /** The control plane namespace of the mesh a namespace belongs to (its own, for a control plane's). */
  meshOfNamespace(namespace: string): string | undefined {
    const labels = this.namespaces.get(namespace)?.metadata.labels;
    return labels?.[MEMBER_OF_LABEL];
  }

  /**
   * The mesh config of the control plane in `meshNamespace` (its `istio-<revision>`
   * ConfigMap; the revision is the SMCP's name), parsed once per version of the ConfigMap:
   * readers run per reconcile and per connection. Callers only read it.
   */
  meshConfig(meshNamespace: string, revision = revisionOf(this.#controlPlaneOf(meshNamespace))): Record<string, unknown> | undefined {
    const key = `${meshNamespace}/${meshConfigMapName(revision)}`;
    const cm = this.#configMaps.get(key);
    if (!cm) return {}; // no ConfigMap (yet): Istio's defaults
    const cached = this.#parsedMeshConfigs.get(key);
    if (cached && cached.from === cm) return cached.value;
    let value: Record<string, unknown> | undefined;
    try {
      value = parseMeshConfig(cm.data);
    } catch {
      value = undefined;
    }
    this.#parsedMeshConfigs.set(key, { from: cm, value });
    return value;
  }

  /** The mesh config a proxy of `pod` runs with: its `istio.io/rev` control plane's, `basic` by default. */
  podMeshConfig(meshNamespace: string, pod: KubeObject): Record<string, unknown> | undefined {
    return this.meshConfig(meshNamespace, pod.metadata.labels?.['istio.io/rev'] ?? 'basic');
  }

  readonly #parsedMeshConfigs = new Map<string, { from: object; value: Record<string, unknown> | undefined }>();

  /** The control plane (SMCP) in `meshNamespace`, if there is one. */
  #controlPlaneOf(meshNamespace: string): KubeObject | undefined {
    return this.controlPlanes.list().find((c) => c.metadata.namespace === meshNamespace);
  }

  /** What the mesh whose control plane is in `rootNamespace` sees (Maistra: its member roll only). */
  snapshot(rootNamespace: string): MeshSnapshot {
    return scopeToMesh({
      rootNamespace, mesh: meshOptionsFrom(this.meshConfig(rootNamespace)), services: this.#services.list(), endpointSlices: this.#slices.list(), pods: this.pods.list(),
      secrets: this.#secrets.list(), gateways: this.#gateways.list(), virtualServices: this.#virtualServices.list(), destinationRules: this.#destinationRules.list(),
      serviceEntries: this.#serviceEntries.list(), authorizationPolicies: this.#authorizationPolicies.list(), peerAuthentications: this.peerAuthentications.list(),
    }, meshNamespaces(rootNamespace, this.namespaces.list()));
  }

  /**
   * Whether the proxies of the mesh in `meshNamespace` sniff unnamed ports (its control
   * plane's autoDetect), and how long they wait for a client's first bytes: the mesh config's
   * protocolDetectionTimeout (0 waits however long, as Istio's 0s), or undefined for the
   * proxies' own default (docs/sidecars.md) when it is unset or not a valid duration.
   */
  protocolDetection(meshNamespace: string): { inbound: boolean; outbound: boolean; timeoutMs?: number } {
    const cp = this.#controlPlaneOf(meshNamespace);
    const { inbound, outbound } = protocolDetectionOf((cp?.status as { appliedSpec?: Fields } | undefined)?.appliedSpec);
    const timeoutMs = meshOptionsFrom(this.meshConfig(meshNamespace, revisionOf(cp))).protocolDetectionTimeoutMs;
    return { inbound, outbound, ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
  }

  /** The node's pod CIDR (this node runs every pod). */
  podCidr(): string | undefined {
    return this.nodes.list()[0]?.spec?.podCIDR;
  }

  /** The workload certificate of `namespace/serviceAccount` in a mesh; undefined while the mesh has no CA. */
  identity(w: Workload): Promise<WorkloadCertificate | undefined> {
    return this.identities.certificate(w.meshNamespace, { namespace: w.namespace, serviceAccount: w.serviceAccount });
  }
}

export function serviceAccountOf(pod: Pod): string {
  return typeof pod.spec?.serviceAccountName === 'string' && pod.spec.serviceAccountName !== '' ? pod.spec.serviceAccountName : 'default';
}

/** A control plane's revision: its SMCP's name (`basic` in the seeds, and without one). */
function revisionOf(controlPlane: KubeObject | undefined): string {
  return controlPlane?.metadata.name ?? 'basic';
}
