/**
 * The HTTP half of a sidecar's inbound port (Envoy's inbound HTTP connection manager with
 * Istio's filters): AuthorizationPolicy first (Envoy's RBAC filter: a denied request gets
 * 403 `RBAC: access denied`), then the request goes to the app on its inner address with
 * `x-forwarded-client-cert` appended for mTLS clients. The record names the inbound cluster
 * `inbound|<port>||` and the Service the request was addressed to.
 */
import type { Http1Handler, RequestHead } from '../http1/index.ts';
import { authorize, RBAC_DENIED_BODY, RBAC_DENIED_STATUS } from '../config/authorization.ts';
import type { AuthzScope } from '../gateway/http-routing.ts';
import type { RequestRecord } from '../request-record.ts';
import type { MtlsPeer } from './inbound-tls.ts';
import { appendXfcc, xfccElement } from './xfcc.ts';

export interface InboundHttpState {
  authz?: AuthzScope;
  /** `<host>:<service port>` of the Services delivering to this port. */
  services: readonly string[];
}

export interface InboundHttpOptions {
  port: number;
  appAddress: string;
  /** This pod's SPIFFE ID (XFCC's `By`). */
  ownPrincipal: string | undefined;
  /** Read per request, so a new configuration applies to the next request. */
  state: () => InboundHttpState;
  /** The TLS peer of the connection `ip:port` (undefined for plaintext). */
  peerOf: (remote: string) => MtlsPeer | undefined;
}

/** The engine reports the local side as `ip:port`. */
function ipOf(hostPort: string): string {
  const colon = hostPort.lastIndexOf(':');
  return colon < 0 ? hostPort : hostPort.slice(0, colon);
}

function headerValues(head: RequestHead): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = head.headers;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    out[name] = out[name] === undefined ? raw[i + 1]! : `${out[name]},${raw[i + 1]!}`;
  }
  return out;
}

/** The Service a request addressed by `authority` (its host, short names too); else the first. */
export function destinationServiceOf(services: readonly string[], authority: string): { host: string; name: string; namespace: string } | undefined {
  const hosts = services.map((s) => s.slice(0, s.lastIndexOf(':')));
  const wanted = authority.replace(/:\d+$/, '').toLowerCase();
  const host = hosts.find((h) => h === wanted || (h.startsWith(`${wanted}.`) && wanted.split('.').length <= 3)) ?? hosts[0];
  if (!host) return undefined;
  const [name = '', namespace = ''] = host.split('.');
  return { host, name, namespace };
}

export function inboundHttpHandler(opts: InboundHttpOptions): Http1Handler {
  const cluster = `inbound|${opts.port}||`;
  // One object for the app's endpoint: the pool finds its connections by it without building a key per request.
  const upstream = { host: opts.appAddress, port: opts.port };
  return (head, downstream) => {
    const { authz, services } = opts.state();
    const peer = opts.peerOf(downstream.remote);
    const headers = headerValues(head);
    const service = destinationServiceOf(services, head.authority);
    const record: Partial<RequestRecord> = {
      upstreamCluster: cluster, routeName: 'default',
      ...(service ? { destinationService: service.host, destinationServiceName: service.name, destinationServiceNamespace: service.namespace } : {}),
    };
    if (authz && authz.policies.length > 0) {
      const decision = authorize(authz.policies, authz.workload, authz.rootNamespace, {
        protocol: 'http', sourceIp: downstream.remoteAddress, remoteIp: downstream.remoteAddress, destinationIp: ipOf(downstream.localAddress),
        destinationPort: opts.port, method: head.method, path: head.path, host: head.authority, headers,
        ...(peer?.principal ? { principal: peer.principal } : {}), ...(peer?.sni ? { sni: peer.sni } : {}),
      });
      if (!decision.allowed) {
        // Istio names Envoy's RBAC policies `ns[<ns>]-policy[<name>]-rule[<i>]`; no ALLOW match is `none`.
        const [ns, name] = (decision.policy ?? '/').split('/');
        const details = decision.policy ? `rbac_access_denied_matched_policy[ns[${ns}]-policy[${name}]-rule[${decision.ruleIndex ?? 0}]]` : 'rbac_access_denied_matched_policy[none]';
        return { kind: 'reply', status: RBAC_DENIED_STATUS, body: RBAC_DENIED_BODY, headers: ['content-type', 'text/plain'], details, record };
      }
    }
    const xfcc = peer?.cert ? appendXfcc(headers['x-forwarded-client-cert'], xfccElement(opts.ownPrincipal, peer.cert)) : undefined;
    return {
      kind: 'forward',
      upstream,
      ...(xfcc ? { setRequestHeaders: [['x-forwarded-client-cert', xfcc]] } : {}),
      record,
    };
  };
}
