/**
 * Gateways → listeners for one gateway workload, as istiod's MergeGateways
 * (pilot/pkg/model/gateway.go) and the gateway listener builder do it:
 *
 * - every Gateway, in any namespace, whose `selector` labels the workload carries applies
 *   (PILOT_SCOPE_GATEWAY_TO_NAMESPACE=false), walked oldest first;
 * - a server port is translated through the Services selecting the workload
 *   (port-translation.ts) and servers are grouped by bind address + listen port;
 * - a port serves one protocol family: plaintext HTTP (HTTP, HTTP2, GRPC merge into one
 *   chain routed by `http.<port>`), TLS by SNI (HTTPS and TLS servers, one chain each), or
 *   plain TCP (one server). A later server of another family is rejected;
 * - a server with a `tls` block whose host an older server with `tls` on the same
 *   port+bind already has is skipped (istiod's CheckDuplicates); plain HTTP hosts may repeat
 *   (their routes merge) and only draw a warning;
 * - route configurations are named as istiod names them: `http.<listen port>` for plain
 *   HTTP, `https.<server port>.<port name>.<gateway>.<namespace>` per terminating server;
 * - a server whose credential Secret is missing, malformed or mismatched is skipped;
 *   the other servers are kept.
 */
import type { Service } from '../../api/builtin/core/service-view.ts';
import { isHttpProtocol, isTlsProtocol, parseProtocol } from '../../api/mesh/istio/names.ts';
import { selectorMatches, sortedByCreation } from './config-order.ts';
import { loadServerCredential } from './credentials.ts';
import type { ServerCredential } from './credentials.ts';
import { downstreamTls, isPassthrough } from './gateway-tls.ts';
import { parseGatewayHost } from './host-match.ts';
import type { Gateway, GatewayServer, Labels, Secret } from './istio-specs.ts';
import type { FilterChain, GatewayServerRef, ListenerProtocol, ProxyListener } from './model.ts';
import { resolveGatewayPort, servicesSelecting } from './port-translation.ts';
import { problem } from './problems.ts';
import type { Problem } from './problems.ts';

export interface GatewayWorkload {
  namespace: string;
  labels: Labels;
  /** Container port names → numbers, for Services with named target ports. */
  namedPorts?: Readonly<Record<string, number>>;
}

export interface GatewayListenerInput {
  workload: GatewayWorkload;
  services: readonly Service[];
  gateways: readonly Gateway[];
  secrets: readonly Secret[];
  /** Clock for certificate validity warnings (ms since epoch). */
  now?: number;
}

export interface GatewayListenerOutput {
  listeners: ProxyListener[];
  /** `namespace/name` of every Gateway that selected the workload. */
  gateways: string[];
  problems: Problem[];
}

type Family = 'http' | 'sni' | 'tcp';

interface PortState { listener: ProxyListener; family: Family; tlsHosts: Map<string, string> }

function familyOf(protocol: string, server: GatewayServer): Family {
  const p = parseProtocol(protocol);
  if (isTlsProtocol(p)) return 'sni';
  if (isHttpProtocol(p)) return 'http';
  return server.tls && !isPassthrough(server.tls.mode) ? 'sni' : 'tcp';
}

function listenerProtocol(family: Family, protocol: string): ListenerProtocol {
  if (family === 'http') return 'HTTP';
  if (family === 'tcp') return 'TCP';
  return parseProtocol(protocol) === 'HTTPS' ? 'HTTPS' : 'TLS';
}

/** SNI names of a server: its DNS hosts, none for `*` (which must then match without SNI too). */
function serverNames(hosts: readonly string[]): string[] {
  return hosts.includes('*') ? [] : [...new Set(hosts)];
}

export function selectedGateways(gateways: readonly Gateway[], labels: Labels): Gateway[] {
  return sortedByCreation(gateways).filter((gw) => selectorMatches(gw.spec?.selector, labels));
}

export function compileGatewayListeners(input: GatewayListenerInput): GatewayListenerOutput {
  const { workload } = input;
  const now = input.now ?? Date.now();
  const problems: Problem[] = [];
  const ports = new Map<string, PortState>();
  const selecting = sortedByCreation(servicesSelecting(input.services, workload.namespace, workload.labels));
  const chosen = selectedGateways(input.gateways, workload.labels);

  for (const gw of chosen) {
    const gwNamespace = gw.metadata.namespace ?? '';
    const gwName = gw.metadata.name ?? '';
    (gw.spec?.servers ?? []).forEach((server, index) => {
      const at = `spec.servers[${index}]`;
      const serverPort = server.port?.number;
      if (serverPort === undefined || serverPort <= 0) {
        problems.push(problem(gw, 'gateway-no-port', 'server has no port number (unix domain socket binds are not supported)', `${at}.port.number`));
        return;
      }
      const protocol = server.port?.protocol ?? 'HTTP';
      const family = familyOf(protocol, server);
      const { listenPort } = resolveGatewayPort(serverPort, selecting, workload.namedPorts);
      const bind = server.bind ?? '0.0.0.0';
      const key = `${bind}_${listenPort}`;
      let state = ports.get(key);
      if (state && state.family !== family) {
        problems.push(problem(gw, 'gateway-protocol-conflict', `port ${serverPort} (listening on ${listenPort}) already serves ${state.listener.protocol} from an older Gateway; a ${protocol} server cannot share it: server skipped`, `${at}.port`));
        return;
      }
      const rawHosts = server.hosts ?? [];
      const scoped = rawHosts.map((h) => parseGatewayHost(h, gwNamespace));
      const ref: GatewayServerRef = { gateway: `${gwNamespace}/${gwName}`, serverIndex: index, portName: server.port?.name ?? '', serverPort, hosts: scoped, ...(server.tls?.httpsRedirect === true ? { httpsRedirect: true } : {}) };

      // istiod's CheckDuplicates: every server with a tls block (even an HTTP one that only
      // redirects) must not repeat a host an older server on this port+bind already has.
      const hostKeys = scoped.map((h) => (h.namespace === '*' ? h.host : `${h.namespace}/${h.host}`));
      if (server.tls && state) {
        const taken = hostKeys.filter((h) => state!.tlsHosts.has(h));
        if (taken.length > 0) {
          const owners = [...new Set(taken.map((h) => state!.tlsHosts.get(h)))].join(', ');
          problems.push(problem(gw, 'gateway-duplicate-host', `port ${serverPort}: host(s) ${taken.join(', ')} already served by ${owners} (the older Gateway wins): server skipped`, `${at}.hosts`));
          return;
        }
      }
      if (family === 'tcp' && state) {
        problems.push(problem(gw, 'gateway-protocol-conflict', `port ${serverPort}: a TCP port serves one server only and ${state.listener.filterChains[0]?.servers[0]?.gateway ?? 'another Gateway'} already has it: server skipped`, `${at}.port`));
        return;
      }

      // Credentials come before the listener exists so that a bad server leaves no trace.
      let credential: ServerCredential | undefined;
      const tls = server.tls;
      const terminates = tls !== undefined && !isPassthrough(tls.mode) && family !== 'http';
      if (terminates && tls.mode !== 'ISTIO_MUTUAL' && tls.credentialName) {
        const loaded = loadServerCredential(input.secrets, workload.namespace, tls.credentialName, tls.mode === 'MUTUAL' || tls.mode === 'OPTIONAL_MUTUAL', now);
        if (!loaded.ok) {
          problems.push(problem(gw, loaded.code, `${loaded.message}: server on port ${serverPort} skipped`, `${at}.tls.credentialName`));
          return;
        }
        for (const w of loaded.warnings) problems.push(problem(gw, 'credential-expired', w, `${at}.tls.credentialName`, 'warning'));
        credential = loaded.credential;
      }

      if (!state) {
        state = {
          family,
          tlsHosts: new Map(),
          listener: { name: key, bind, port: listenPort, protocol: listenerProtocol(family, protocol), http2: false, filterChains: [] },
        };
        ports.set(key, state);
      }
      const listener = state.listener;
      if (server.tls) for (const h of hostKeys) state.tlsHosts.set(h, ref.gateway);
      const bindSuffix = server.bind ? `.${server.bind}` : '';
      if (family === 'http') {
        mergeHttpServer(listener, ref, `http.${listenPort}${bindSuffix}`, server, problems, gw);
        if (['HTTP2', 'GRPC'].includes(parseProtocol(protocol))) listener.http2 = true;
        return;
      }
      if (family === 'tcp') {
        listener.filterChains.push({ kind: 'tcp', serverNames: [], hosts: scoped, servers: [ref] });
        return;
      }
      const isHttps = parseProtocol(protocol) === 'HTTPS';
      if (listener.protocol === 'TLS' && isHttps) listener.protocol = 'HTTPS';
      listener.filterChains.push(sniChain(ref, server, isHttps, credential, `https.${serverPort}.${ref.portName}.${gwName}.${gwNamespace}${bindSuffix}`));
    });
  }

  const listeners = [...ports.values()].map((s) => s.listener).filter((l) => l.filterChains.length > 0);
  listeners.sort((a, b) => a.port - b.port || a.bind.localeCompare(b.bind));
  return { listeners, gateways: chosen.map((g) => `${g.metadata.namespace ?? ''}/${g.metadata.name ?? ''}`), problems };
}

function mergeHttpServer(listener: ProxyListener, ref: GatewayServerRef, routeConfigName: string, server: GatewayServer, problems: Problem[], gw: Gateway): void {
  const serverPort = ref.serverPort;
  let chain = listener.filterChains[0];
  if (!chain) {
    chain = { kind: 'http', serverNames: [], routeConfigName, hosts: [], servers: [] };
    listener.filterChains.push(chain);
  }
  // Plain HTTP hosts never conflict at the listener: their routes merge per host, older
  // Gateway first. Overlap between different Gateways is still worth a warning.
  const overlap = ref.hosts.filter((h) => chain!.servers.some((s) => s.gateway !== ref.gateway && s.hosts.some((o) => o.host === h.host)));
  if (overlap.length > 0) {
    problems.push(problem(gw, 'gateway-duplicate-host', `port ${serverPort}: host(s) ${overlap.map((h) => h.host).join(', ')} also served by an older Gateway; their VirtualService routes are merged, the older Gateway's first`, `spec.servers[${ref.serverIndex}].hosts`, 'warning'));
  }
  chain.servers.push(ref);
  chain.hosts.push(...ref.hosts);
  if (server.tls?.httpsRedirect === true) {
    chain.httpsRedirectHosts = [...(chain.httpsRedirectHosts ?? []), ...ref.hosts.map((h) => h.host)];
  }
}

function sniChain(ref: GatewayServerRef, server: GatewayServer, isHttps: boolean, credential: ServerCredential | undefined, routeConfigName: string): FilterChain {
  const tls = server.tls ?? {};
  const names = serverNames(ref.hosts.map((h) => h.host));
  if (tls.mode === 'AUTO_PASSTHROUGH') return { kind: 'auto-passthrough', serverNames: names, hosts: ref.hosts, servers: [ref] };
  if (isPassthrough(tls.mode)) return { kind: 'tls-passthrough', serverNames: names, hosts: ref.hosts, servers: [ref] };
  const context = downstreamTls(tls, isHttps, credential);
  if (!isHttps) return { kind: 'tcp', serverNames: names, tls: context, hosts: ref.hosts, servers: [ref] };
  return {
    kind: 'http', serverNames: names, tls: context, hosts: ref.hosts, servers: [ref], routeConfigName,
  };
}
