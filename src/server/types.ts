/**
 * What `skiff up` starts and what the CLI needs to know about a running instance.
 * The instance writes `DIR/skiff.json` (InstanceInfo) while it runs so that `skiff status`,
 * `skiff down` and `skiff kubeconfig` can find it; the file is removed on clean shutdown.
 */
export interface SkiffOptions {
  /** Data directory (default ~/.skiff). Holds the store, PKI, kubeconfig and skiff.json. */
  dataDir: string;
  /** API server port on 127.0.0.1 (0 = pick a free one). Default 6443. */
  apiPort: number;
  /** `embedded` (default) or `etcd://host:port[,host:port…]`. */
  store: string;
  /**
   * Embedded store only: how many revisions of history watches and continue tokens can reach
   * before they answer 410 Expired (default 10 000). etcd compacts by its own policy.
   */
  historyWindow?: number;
  /** Apps domain for Knative URLs and generated Route hosts (default apps.example.com). */
  domain?: string;
  /** The router's HTTP and HTTPS ports on 127.0.0.1 (0 = pick a free one; defaults 18080 and 18443; docs/router.md). */
  routerHttpPort?: number;
  routerHttpsPort?: number;
  /** IPv4 CIDR Service cluster IPs come from (default 127.96.0.0/16; docs/services.md). */
  serviceCIDR?: string;
  /** Node port range, `MIN-MAX` (default 30000-32767). */
  nodePortRange?: string;
  /** IPv4 CIDR LoadBalancer Services get their address from (default 127.97.0.0/24). */
  loadBalancerPool?: string;
  /** How the service proxy spreads connections over endpoints (default round-robin). */
  serviceBalancing?: 'round-robin' | 'least-connections';
  /** Pod networking: `loopback` (default, an address in 127.0.0.0/8 per pod) or `netns` (root; docs/runtime.md). */
  podNetwork?: 'loopback' | 'netns';
  /** How long an Event lives after its last write, ms (kube-apiserver's --event-ttl: default 1h; 0 keeps Events). */
  eventTtlMs?: number;
}

export interface ComponentHealth {
  name: string;
  healthy: boolean;
  message?: string;
}

/** Contents of DIR/skiff.json while an instance runs. */
export interface InstanceInfo {
  pid: number;
  apiServer: string;
  kubeconfig: string;
  dataDir: string;
  store: string;
  startedAt: string;
  version: string;
  /** Where the router listens for Routes (docs/router.md), and the apps domain. */
  ingress?: { http: { address: string; port: number }; https: { address: string; port: number } };
  domain?: string;
}

export interface RunningSkiff {
  readonly info: InstanceInfo;
  health(): ComponentHealth[];
  /** Graceful stop: stop accepting requests, stop controllers, flush and close the store. */
  stop(): Promise<void>;
}
