/**
 * Hand-made compiled configurations for the gateway proxy's tests (what H2's compiler would
 * produce for one listener), and a free port to put them on. Test-only.
 */
import { createServer } from 'node:net';
import type { ProxyConfig } from '../config/compile-proxy.ts';
import type { ServerCredential } from '../config/credentials.ts';
import type { Cluster, CompiledRoute, FilterChain, L4Route, ProxyListener, RouteAction } from '../config/model.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const empty = () => ({ set: {}, add: {}, remove: [] });

export function cluster(host: string, port: number, endpoints: { address: string; port: number }[]): Cluster {
  return {
    name: `outbound|${port}||${host}`, host, port, protocol: 'HTTP', discovery: 'EDS', meshExternal: false,
    endpoints: endpoints.map((e) => ({ ...e, labels: { app: host.split('.')[0]! }, ready: true, tlsMode: 'disabled', namespace: 'default', podName: `${host.split('.')[0]!}-5d8f7c9b6-abcde` })),
    tls: { mode: 'DISABLE', auto: false, subjectAltNames: [] }, loadBalancer: { type: 'simple', algorithm: 'ROUND_ROBIN' }, connectionPool: {},
    source: { kind: 'Service', namespace: 'default', name: host.split('.')[0]! },
  };
}

export function forwardTo(c: Cluster, extra: Partial<Extract<RouteAction, { type: 'forward' }>> = {}): RouteAction {
  return { type: 'forward', clusters: [{ cluster: c.name, host: c.host, port: c.port, weight: 100 }], retries: { attempts: 0, retryOn: [], retriableStatusCodes: [] }, mirrors: [], ...extra };
}

export function route(action: RouteAction, uriPrefix?: string, requestHeaders = empty()): CompiledRoute {
  return {
    origin: { virtualService: 'default/vs', ruleIndex: 0 },
    matches: uriPrefix ? [{ uri: { kind: 'prefix', value: uriPrefix }, headers: [], queryParams: [] }] : [],
    action, requestHeaders, responseHeaders: empty(),
  };
}

export function credential(certPem: string, keyPem: string, caPem?: string): ServerCredential {
  return { secret: 'istio-system/cert', certChainPem: certPem, privateKeyPem: keyPem, ...(caPem ? { caPem } : {}), subject: '', dnsNames: [], notAfter: '' };
}

export function tlsChain(serverNames: string[], routeConfigName: string, cred: ServerCredential, mode: 'SIMPLE' | 'MUTUAL' = 'SIMPLE'): FilterChain {
  return {
    kind: 'http', serverNames, routeConfigName, hosts: [], servers: [],
    tls: { mode, certificate: { source: 'secret', credential: cred }, requireClientCertificate: mode === 'MUTUAL', requestClientCertificate: mode === 'MUTUAL', subjectAltNames: [], alpn: ['h2', 'http/1.1'] },
  };
}

export function listener(port: number, protocol: ProxyListener['protocol'], filterChains: FilterChain[]): ProxyListener {
  return { name: `0.0.0.0_${port}`, bind: '0.0.0.0', port, protocol, http2: false, filterChains };
}

export function proxyConfig(listeners: ProxyListener[], routes: Record<string, { domains: string[]; routes: CompiledRoute[] }[]>, clusters: Cluster[], l4?: { listener: string; chainIndex: number; routes: L4Route[] }[]): ProxyConfig {
  const config = {
    listeners,
    routeConfigs: Object.entries(routes).map(([name, hosts]) => ({ name, virtualHosts: hosts.map((h, i) => ({ name: `${name}-${i}`, ...h })) })),
    l4Routes: l4 ?? [], clusters, authorizationPolicies: [], problems: [],
    // Sidecar-only (the compiler is adding fields as it grows); gateways ignore it.
    unknownDestinations: 'passthrough' as const,
  };
  return config as ProxyConfig;
}
