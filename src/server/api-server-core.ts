/**
 * Everything behind the API server's socket, assembled: kinds, admission, the storage
 * services, CRD serving, OpenAPI, and the in-process client controllers use. The HTTPS
 * listener itself is start.ts's business, so tests can drive this core directly.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KindDefinition } from '../api/kind.ts';
import { builtinKinds } from '../api/builtin/index.ts';
import { LiveKnativeConfig } from './knative-config-source.ts';
import { knativeKindsWith, upstreamConfigSource, type ConfigSource } from '../api/knative/index.ts';
import { meshKinds } from '../api/mesh/index.ts';
import { operatorKinds } from '../api/operator/index.ts';
import { routeKinds } from '../api/route/index.ts';
import { clusterRulesPlugin } from '../apiserver/admission/cluster-rules.ts';
import { serviceAccountPlugin } from '../apiserver/admission/service-account.ts';
import { routeHostPlugin } from '../apiserver/admission/route-host.ts';
import { DEFAULT_APPS_DOMAIN } from '../api/route/host.ts';
import { sidecarInjectionPlugin } from '../apiserver/admission/sidecar-injection.ts';
import { startKubernetesServiceController } from '../apiserver/controlplane/kubernetes-service-controller.ts';
import { DEFAULT_EVENT_TTL_MS, startEventExpiry } from '../apiserver/controlplane/event-expiry.ts';
import { addressAt } from '../api/builtin/core/service-network.ts';
import { CrdRegistrar } from '../apiserver/crd/crd-registrar.ts';
import { createApiHandler, type HealthCheck, type Identity } from '../apiserver/http/handler.ts';
import { podBindingHandler } from '../apiserver/http/binding-handler.ts';
import type { SubresourceHandler } from '../apiserver/http/resource-handler.ts';
import { OpenApiV3Service } from '../apiserver/openapi/index.ts';
import { KindRegistry } from '../apiserver/registry/kind-registry.ts';
import { serviceAllocationHook } from '../apiserver/services/allocation-hook.ts';
import { defaultServiceNetwork, type ServiceNetwork } from '../apiserver/services/service-allocation.ts';
import { KindAdmission } from '../apiserver/storage/admission.ts';
import { ObjectService, WatchService } from '../apiserver/storage/index.ts';
import { PatchService } from '../apiserver/storage/patch-service.ts';
import { bindPod } from '../apiserver/storage/pod-binding.ts';
import { InProcessClient, type SubresourceCreator } from '../client/in-process.ts';
import type { Client } from '../client/types.ts';
import type { Store } from '../store/types.ts';
import type { Logger } from '../util/log.ts';

export interface ApiServerCoreOptions {
  store: Store;
  log: Logger;
  version: object;
  /** Extra kinds (tests); the compiled-in set is always served. */
  extraKinds?: readonly KindDefinition[];
  /** Where Service cluster IPs and node ports come from (defaults: docs/services.md). */
  serviceNetwork?: ServiceNetwork;
  /** The cluster's apps domain: Routes without a host get `<name>-<namespace>.<domain>`. */
  appsDomain?: string;
  /** How long an Event lives after its last write (kube-apiserver's --event-ttl; default 1h, 0 = forever). */
  eventTtlMs?: number;
}

export interface ApiServerCore {
  readonly registry: KindRegistry;
  readonly objects: ObjectService;
  readonly watches: WatchService;
  readonly patches: PatchService;
  /** The in-process client (identity `system:skiff`) for skiff's own setup writes. */
  readonly client: Client;
  /**
   * An in-process client writing as `component` — its user and default field manager, as
   * kube-controller-manager, kube-scheduler and the kubelet appear in managedFields.
   */
  clientAs(component: string): Client;
  /** Starts the API server's own controllers: the `kubernetes` Service (once listening on `apiPort`) and Event expiry. */
  startControlPlaneControllers(apiPort: number): Promise<{ stop(): Promise<void> }>;
  /** Subresource handlers the runtime registers (`<group>/<plural>/<sub>`, e.g. `/pods/log`). */
  readonly subresources: Map<string, SubresourceHandler>;
  handler(authenticate: (req: IncomingMessage) => Identity | undefined): (req: IncomingMessage, res: ServerResponse) => void;
  health(): Array<{ name: string; ok: boolean; message?: string }>;
  setStatusProvider(provider: () => object): void;
  start(): Promise<void>;
  stop(): void;
}

/** Every compiled-in kind; Knative's admission reads its config from `knativeConfig` (upstream defaults unless given). */
export function allCompiledKinds(knativeConfig: ConfigSource = upstreamConfigSource): KindDefinition[] {
  return [...builtinKinds(), ...routeKinds(), ...meshKinds(), ...operatorKinds(), ...knativeKindsWith(knativeConfig)];
}

export function createApiServerCore(opts: ApiServerCoreOptions): ApiServerCore {
  // Knative's webhooks read config-defaults, config-autoscaler, config-features… as they are now.
  const knativeConfig = new LiveKnativeConfig();
  const registry = new KindRegistry([...allCompiledKinds(knativeConfig.source), ...(opts.extraKinds ?? [])]);
  const admission = new KindAdmission({ registry });
  const serviceNetwork = opts.serviceNetwork ?? defaultServiceNetwork();
  const objects = new ObjectService({ store: opts.store, admission, writeHooks: [serviceAllocationHook(opts.store, serviceNetwork)] });
  const watches = new WatchService(opts.store);
  const patches = new PatchService(objects);
  const bindPodInStore: SubresourceCreator = (r) => bindPod(opts.store, { namespace: r.namespace, name: r.name, binding: r.body, dryRun: r.dryRun });
  const clientAs = (user: string): Client => new InProcessClient({ registry, objects, patches, watches, user, subresourceCreators: new Map([['/pods/binding', bindPodInStore]]) });
  const client = clientAs('system:skiff');
  admission.setClient(client);
  // kube-apiserver's order: the in-tree ServiceAccount plugin before the mutating webhooks.
  admission.addPlugin(serviceAccountPlugin());
  admission.addPlugin(clusterRulesPlugin);
  admission.addPlugin(sidecarInjectionPlugin);
  admission.addPlugin(routeHostPlugin(opts.appsDomain ?? DEFAULT_APPS_DOMAIN));
  const crds = new CrdRegistrar({ registry, objects, watches, log: opts.log });
  const openapi = new OpenApiV3Service(registry);
  const subresources = new Map<string, SubresourceHandler>([['/pods/binding', podBindingHandler(opts.store)]]);
  let statusProvider: () => object = () => ({});
  let storeHealthy = true;

  const health = () => [
    { name: 'store', ok: storeHealthy, ...(storeHealthy ? {} : { message: 'the store did not answer' }) },
    { name: 'crd-registrar', ok: true },
  ];
  const checks = (): HealthCheck[] => health().map((h) => ({ name: h.name, check: () => ({ ok: h.ok, ...(h.message ? { message: h.message } : {}) }) }));
  const probe = setInterval(() => {
    opts.store.revision().then(() => (storeHealthy = true), () => (storeHealthy = false));
  }, 5_000);
  probe.unref();

  return {
    registry, objects, watches, patches, client, clientAs, subresources,
    startControlPlaneControllers: async (apiPort) => {
      const kubernetesService = await startKubernetesServiceController(clientAs('kube-apiserver'), { ip: '127.0.0.1', port: apiPort, clusterIP: addressAt(serviceNetwork.serviceRange, 1) }, opts.log);
      const ttlMs = opts.eventTtlMs ?? DEFAULT_EVENT_TTL_MS;
      const eventExpiry = ttlMs > 0 ? startEventExpiry(clientAs('kube-apiserver'), { ttlMs }, opts.log) : undefined;
      return { stop: async () => { await eventExpiry?.stop(); await kubernetesService.stop(); } };
    },
    handler: (authenticate) => createApiHandler({
      registry, objects, patches, watches, subresources, authenticate, openapi,
      health: checks,
      version: opts.version,
      extraRoutes: new Map([['/skiff/v1/status', () => statusProvider()]]),
      log: opts.log,
    }),
    health,
    setStatusProvider: (p) => (statusProvider = p),
    start: async () => {
      await crds.start();
      await knativeConfig.start(clientAs('knative-webhook'), opts.log);
    },
    stop: () => {
      clearInterval(probe);
      crds.stop();
      knativeConfig.stop();
    },
  };
}
