/**
 * `skiff check --mtls A B`: would a connection from workload A to each port of workload B
 * be mTLS, plain text, or refused — as `istioctl x describe` / `authn tls-check` tell it.
 *
 * The server side is B's sidecar: none (B not meshed, or the port excluded from
 * interception) accepts only what the app speaks; otherwise B's effective
 * PeerAuthentication on the target port (STRICT: mTLS only, PERMISSIVE: both, DISABLE:
 * plain only). The client side is A's sidecar: none sends plain text; otherwise the
 * DestinationRule's tls.mode for B's Service host, or without one auto mTLS (mTLS when B has
 * a sidecar and its port is not DISABLE, as istiod's mTLS checker decides).
 */
import type { KubeObject } from '../api/object.ts';
import { type MtlsMode, effectiveMtlsMode, labelsMatch } from '../dataplane/config/peer-authentication.ts';
import { originatedTls } from './destination-rule.ts';
import { fullName, nameOf, namespaceOf, specOf } from './objects.ts';
import { type CheckResult, type ClusterSnapshot, failed, passed, warned } from './types.ts';
import { type MeshMembership, type WorkloadName, annotatedPorts, meshMembership, resolvePod } from './workloads.ts';

interface ContainerPort { name?: string; containerPort: number }
interface PodSpec { containers?: Array<{ ports?: ContainerPort[] }> }
interface ServicePort { name?: string; port: number; targetPort?: number | string }
interface ServiceSpec { selector?: Record<string, string>; ports?: ServicePort[] }

/** One way into B: a Service port (host and port the client dials) and the pod port it reaches. */
interface Target { host?: string; servicePort?: number; targetPort: number; label: string }

export function mtlsChecks(snapshot: ClusterSnapshot, from: WorkloadName, to: WorkloadName): CheckResult[] {
  const source = resolvePod(snapshot, from);
  const destination = resolvePod(snapshot, to);
  const missing = (ref: WorkloadName) => failed(`workload ${ref.namespace}/${ref.name} exists`, `no pod named ${ref.name}, owned by a workload named ${ref.name}, or labelled app=${ref.name} in namespace ${ref.namespace}`, `Check the name with kubectl get pods -n ${ref.namespace} --show-labels; give it as NAMESPACE/POD or NAMESPACE/DEPLOYMENT.`);
  if (source === undefined || destination === undefined) return [...(source === undefined ? [missing(from)] : []), ...(destination === undefined ? [missing(to)] : [])];
  const client = meshMembership(snapshot, source);
  const server = meshMembership(snapshot, destination);
  const results: CheckResult[] = [membershipResult(source, client), membershipResult(destination, server)];
  const targets = targetsOf(snapshot, destination);
  if (targets.length === 0) {
    results.push(warned(`${fullName(destination)} exposes a port`, 'the pod declares no container port and no Service selects it', 'Declare containerPort in the pod spec or create a Service for it, then run the check again.'));
    return results;
  }
  for (const target of targets) results.push(portResult(snapshot, source, client, destination, server, target));
  return results;
}

function membershipResult(pod: KubeObject, m: MeshMembership): CheckResult {
  const description = `${fullName(pod)} is ${m.meshed ? `meshed (mesh ${m.mesh}, ${m.hasSidecar ? 'sidecar injected' : 'injection requested'})` : 'not meshed'}`;
  return passed(description);
}

function targetsOf(snapshot: ClusterSnapshot, pod: KubeObject): Target[] {
  const containerPorts = (specOf<PodSpec>(pod).containers ?? []).flatMap((c) => c.ports ?? []);
  const targets: Target[] = [];
  for (const service of snapshot.services) {
    const spec = specOf<ServiceSpec>(service);
    if (namespaceOf(service) !== namespaceOf(pod) || Object.keys(spec.selector ?? {}).length === 0 || !labelsMatch(spec.selector!, pod.metadata.labels ?? {})) continue;
    for (const port of spec.ports ?? []) {
      const targetPort = typeof port.targetPort === 'string' ? containerPorts.find((c) => c.name === port.targetPort)?.containerPort : port.targetPort ?? port.port;
      if (targetPort === undefined) continue;
      const host = `${nameOf(service)}.${namespaceOf(service)}.svc.cluster.local`;
      targets.push({ host, servicePort: port.port, targetPort, label: `port ${targetPort} (Service ${nameOf(service)} port ${port.port})` });
    }
  }
  for (const c of containerPorts) {
    if (!targets.some((t) => t.targetPort === c.containerPort)) targets.push({ targetPort: c.containerPort, label: `port ${c.containerPort} (pod IP, no Service)` });
  }
  return targets;
}

type Server = { kind: 'none'; why: string } | { kind: 'sidecar'; mode: MtlsMode };
type Client = { kind: 'plain'; why: string } | { kind: 'mtls'; why: string } | { kind: 'tls'; why: string };

function portResult(snapshot: ClusterSnapshot, source: KubeObject, client: MeshMembership, destination: KubeObject, server: MeshMembership, target: Target): CheckResult {
  const plane = snapshot.controlPlanes.find((p) => namespaceOf(p) === server.mesh);
  const serverSide = serverFor(snapshot, destination, server, target.targetPort, plane);
  const clientPlane = snapshot.controlPlanes.find((p) => namespaceOf(p) === client.mesh);
  const clientSide = clientFor(snapshot, source, client, serverSide, target, clientPlane);
  const describe = (outcome: string) => `${fullName(source)} → ${fullName(destination)} ${target.label}: ${outcome} (server: ${serverSide.kind === 'none' ? `plain, ${serverSide.why}` : serverSide.mode}; client: ${clientSide.why})`;
  if (clientSide.kind === 'mtls') {
    if (serverSide.kind === 'none') return failed(describe('refused'), `the client sidecar originates mTLS but ${serverSide.why}, so nothing terminates it`, `Mesh ${fullName(destination)} (sidecar.istio.io/inject: "true" in a member namespace), or set tls.mode: DISABLE for ${target.host ?? 'the host'} in a DestinationRule.`);
    if (serverSide.mode === 'DISABLE') return failed(describe('refused'), 'the client sidecar originates mTLS but the server\'s PeerAuthentication is DISABLE on this port', `Set the DestinationRule's tls.mode for ${target.host ?? 'the host'} to DISABLE, or the PeerAuthentication to PERMISSIVE or STRICT.`);
    return passed(describe('mTLS'));
  }
  if (serverSide.kind === 'sidecar' && serverSide.mode === 'STRICT') {
    return failed(describe('refused'), `the server requires mTLS (STRICT) but the client sends ${clientSide.kind === 'tls' ? 'its own TLS' : 'plain text'}`, client.meshed ? `Remove the DestinationRule's tls.mode override for ${target.host ?? 'the host'} or set it to ISTIO_MUTUAL.` : `Mesh ${fullName(source)} (sidecar.istio.io/inject: "true" in a namespace of the member roll), or relax the server with a PERMISSIVE PeerAuthentication.`);
  }
  return warned(describe(clientSide.kind === 'tls' ? 'TLS to the application' : 'plain text'), 'the connection works but is not mutually authenticated by the mesh', client.meshed ? 'Let auto mTLS apply (no DestinationRule tls override) or set tls.mode: ISTIO_MUTUAL, and mesh the destination.' : `Mesh ${fullName(source)} to have its traffic encrypted with mTLS.`);
}

function serverFor(snapshot: ClusterSnapshot, pod: KubeObject, m: MeshMembership, port: number, plane: KubeObject | undefined): Server {
  if (!m.meshed) return { kind: 'none', why: 'the destination has no sidecar' };
  const excluded = annotatedPorts(pod, 'traffic.sidecar.istio.io/excludeInboundPorts');
  const included = annotatedPorts(pod, 'traffic.sidecar.istio.io/includeInboundPorts');
  const meshExcluded = specOf<{ proxy: { networking?: { trafficControl?: { inbound?: { excludedPorts?: Array<number | string> } } } } }>(plane ?? { apiVersion: '', kind: '', metadata: {} }).proxy?.networking?.trafficControl?.inbound?.excludedPorts ?? [];
  const notIncluded = (included.all || included.ports.size === 0) ? false : !included.ports.has(port);
  if (excluded.all || excluded.ports.has(port) || meshExcluded.map(Number).includes(port) || notIncluded) return { kind: 'none', why: `port ${port} is excluded from the sidecar` };
  return { kind: 'sidecar', mode: effectiveMtlsMode(snapshot.peerAuthentications, m.mesh!, { namespace: namespaceOf(pod), labels: pod.metadata.labels ?? {} }, port) };
}

function clientFor(snapshot: ClusterSnapshot, pod: KubeObject, m: MeshMembership, server: Server, target: Target, plane: KubeObject | undefined): Client {
  if (!m.meshed) return { kind: 'plain', why: 'no sidecar, plain text' };
  if (target.host === undefined) return { kind: 'plain', why: 'sidecar passes pod-IP traffic through in plain text' };
  const outbound = annotatedPorts(pod, 'traffic.sidecar.istio.io/excludeOutboundPorts');
  if (outbound.all || outbound.ports.has(target.servicePort!)) return { kind: 'plain', why: `port ${target.servicePort} is excluded from the client sidecar, plain text` };
  const tls = originatedTls(snapshot.destinationRules, target.host, target.servicePort!, [namespaceOf(pod), target.host.split('.')[1]!, m.mesh!]);
  if (tls.mode === 'ISTIO_MUTUAL') return { kind: 'mtls', why: `ISTIO_MUTUAL by DestinationRule ${tls.rule}` };
  if (tls.mode === 'DISABLE') return { kind: 'plain', why: `DISABLE by DestinationRule ${tls.rule}` };
  if (tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL') return { kind: 'tls', why: `${tls.mode} (user certificates) by DestinationRule ${tls.rule}` };
  const auto = specOf<{ security: { dataPlane?: { automtls?: boolean } } }>(plane ?? { apiVersion: '', kind: '', metadata: {} }).security?.dataPlane?.automtls !== false;
  if (!auto) return { kind: 'plain', why: 'no DestinationRule sets tls and auto mTLS is off' };
  if (server.kind === 'sidecar' && server.mode !== 'DISABLE') return { kind: 'mtls', why: 'auto mTLS' };
  return { kind: 'plain', why: 'auto mTLS sends plain text to a server without mTLS' };
}
