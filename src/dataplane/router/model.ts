/**
 * The router's configuration: what the controller (src/server/router.ts) compiles from
 * Routes, Services and EndpointSlices (compile.ts) and pushes to the listeners (router.ts).
 * Plain data, so the compiler stays pure and the data plane never reads the API.
 */

export type Termination = 'edge' | 'passthrough' | 'reencrypt';
export type InsecurePolicy = 'None' | 'Allow' | 'Redirect';
/** `haproxy.router.openshift.io/balance` values the router understands. */
export type BalanceAlgorithm = 'roundrobin' | 'leastconn' | 'random' | 'source';

export interface RouterEndpoint {
  address: string;
  port: number;
}

export interface RouterBackend {
  /** The Service's name (in the route's namespace). */
  service: string;
  /** The route's weight for this Service (0–256); 0 takes no traffic. */
  weight: number;
  /** Ready endpoints only, on the route's target port. */
  endpoints: RouterEndpoint[];
}

export interface RouterTls {
  termination: Termination;
  insecurePolicy: InsecurePolicy;
  /** The route's own serving certificate (edge, reencrypt); absent → the router's default. */
  certificatePem?: string;
  keyPem?: string;
  /** Intermediates sent after the certificate. */
  caCertificatePem?: string;
  /** reencrypt: the CA the endpoint's certificate must chain to. */
  destinationCaPem?: string;
}

export interface RouterRoute {
  namespace: string;
  name: string;
  /** Lower-case host the route serves (spec.host, else generated). */
  host: string;
  /** `wildcardPolicy: Subdomain`: also serves every host of the host's parent domain. */
  wildcard: boolean;
  /** Path prefix (`spec.path`), '' for all paths. */
  path: string;
  tls?: RouterTls;
  backends: RouterBackend[];
  balance: BalanceAlgorithm;
  /** `<service>.<namespace>.svc`: the name a reencrypt endpoint's certificate must carry. */
  serviceHostname: string;
}

/** Admitted routes only: rejected ones never reach the listeners. */
export interface RouterTable {
  routes: RouterRoute[];
}

export function routeKey(route: { namespace: string; name: string }): string {
  return `${route.namespace}/${route.name}`;
}
