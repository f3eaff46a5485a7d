/**
 * skiff's kube-proxy: watches Services and EndpointSlices, translates them into the TCP
 * proxy's listeners (translate.ts) and pushes each new snapshot to the data plane
 * (src/dataplane/service-proxy), coalescing bursts of changes into one push. It also plays
 * the cloud provider's part for `type: LoadBalancer`, handing out addresses from a local
 * pool (load-balancer.ts) with the service controller's events.
 */
import { parseIpv4Range } from '../../api/builtin/core/service-network.ts';
import { ENDPOINT_SLICE, SERVICE, type EndpointSlice, type Service } from '../../api/builtin/core/service-view.ts';
import { Informer } from '../../client/informer.ts';
import type { Client } from '../../client/types.ts';
import { isSkiffError } from '../../errors/skiff-error.ts';
import { loopbackClientSource, TcpServiceProxy, type TcpProxyOptions } from '../../dataplane/service-proxy/tcp-proxy.ts';
import type { BalancingStrategy } from '../../dataplane/service-proxy/snapshot.ts';
import type { Logger } from '../../util/log.ts';
import { EventRecorder } from '../events/recorder.ts';
import { planLoadBalancers } from './load-balancer.ts';
import { buildSnapshot } from './translate.ts';

export interface ServiceProxyOptions {
  /** Addresses node ports listen on (default 127.0.0.1). */
  nodeAddresses?: readonly string[];
  /** This node's name, for `Local` traffic policies. */
  nodeName?: string;
  /** IPv4 CIDR LoadBalancer addresses come from (default 127.97.0.0/24). */
  loadBalancerPool: string;
  strategy?: BalancingStrategy;
}

export interface RunningServiceProxy {
  /** Listeners that could not be opened, as `address:port (service): error`. */
  problems(): string[];
  /** Resolves once the latest change has been pushed to the data plane. */
  settled(): Promise<void>;
  /** The mesh's sidecar outbound (TLS origination, HTTP takeover), set once the mesh data plane runs. */
  setSidecarOutbound(outbound: Pick<TcpProxyOptions, 'upstreamTls' | 'takeover'>): void;
  stop(): Promise<void>;
}

const COALESCE_MS = 10;

export async function startServiceProxy(client: Client, log: Logger, opts: ServiceProxyOptions): Promise<RunningServiceProxy> {
  const pool = parseIpv4Range(opts.loadBalancerPool);
  let sidecar: Pick<TcpProxyOptions, 'upstreamTls' | 'takeover'> = {};
  const events = new EventRecorder(client, { component: 'service-controller' }, log);
  const proxy = new TcpServiceProxy({
    strategy: opts.strategy ?? 'round-robin',
    // Pods keep their address through a Service, so NetworkPolicy sees them (docs/network-policy.md).
    upstreamSource: loopbackClientSource,
    upstreamTls: (client, backend, service) => sidecar.upstreamTls?.(client, backend, service),
    takeover: (client, service) => sidecar.takeover?.(client, service) ?? false,
    onListenError: ({ spec, error }) => log.warn({ service: spec.service, address: `${spec.address}:${spec.port}`, code: error.code }, error.code === 'EACCES' ? 'cannot listen: ports below 1024 need root (or net.ipv4.ip_unprivileged_port_start)' : 'cannot listen for service'),
  });
  const services = new Informer<Service>(client, SERVICE, {}, log);
  const slices = new Informer<EndpointSlice>(client, ENDPOINT_SLICE, {}, log);
  const translate = { nodeAddresses: opts.nodeAddresses ?? ['127.0.0.1'], ...(opts.nodeName ? { nodeName: opts.nodeName } : {}) };

  let timer: NodeJS.Timeout | undefined;
  let pushing: Promise<void> = Promise.resolve();
  let stopped = false;
  const push = () => {
    timer = undefined;
    if (stopped) return;
    const snapshot = buildSnapshot(services.list(), slices.list(), translate);
    pushing = pushing.then(() => proxy.apply(snapshot)).catch((err: unknown) => log.warn({ err }, 'service proxy update failed'));
    void assignLoadBalancers();
  };
  const changed = () => {
    if (!stopped && !timer) timer = setTimeout(push, COALESCE_MS);
  };

  let assigning = false;
  let again = false;
  const assignLoadBalancers = async () => {
    if (assigning) {
      again = true;
      return;
    }
    assigning = true;
    try {
      do {
        again = false;
        const plan = planLoadBalancers(services.list(), pool);
        for (const { service, ingress } of plan.changes) {
          if (ingress.length > 0) events.event(involved(service), 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
          try {
            await client.updateStatus({ ...service, status: { ...(service.status ?? {}), loadBalancer: ingress.length > 0 ? { ingress } : {} } });
            if (ingress.length > 0) events.event(involved(service), 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
          } catch (err) {
            // A stale copy (conflict) or a Service gone meanwhile: the informer brings the next state.
            if (!isSkiffError(err, 'SKF_API_CONFLICT') && !isSkiffError(err, 'SKF_API_NOT_FOUND')) log.warn({ err, service: service.metadata.name }, 'cannot write load balancer status');
          }
        }
        for (const service of plan.exhausted) {
          events.event(involved(service), 'Warning', 'SyncLoadBalancerFailed', `Error syncing load balancer: failed to ensure load balancer: no address left in the pool ${pool.cidr}`);
        }
      } while (again && !stopped);
    } finally {
      assigning = false;
    }
  };

  const handlers = { add: changed, update: changed, delete: changed };
  services.addHandlers(handlers);
  slices.addHandlers(handlers);
  await services.start();
  await slices.start();
  push();
  await pushing;
  return {
    problems: () => proxy.failures().map((f) => `${f.spec.address}:${f.spec.port} (${f.spec.service}): ${f.error.code ?? f.error.message}`),
    setSidecarOutbound: (outbound) => {
      sidecar = outbound;
    },
    settled: async () => {
      if (timer) {
        clearTimeout(timer);
        push();
      }
      await pushing;
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      services.stop();
      slices.stop();
      await pushing;
      await proxy.stop();
      await events.flush();
    },
  };
}

function involved(svc: Service) {
  return { apiVersion: 'v1', kind: 'Service', name: svc.metadata.name ?? '', namespace: svc.metadata.namespace ?? '', uid: svc.metadata.uid ?? '' };
}
