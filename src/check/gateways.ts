/**
 * Gateway checks: each TLS server's `credentialName` Secret, looked up where Istio looks
 * (the namespace of the gateway workload the selector picks, not the Gateway's own), and
 * Gateways that claim the same port and an overlapping host on one workload selector —
 * Istio's ConflictingGatewayAnalyzer (IST0145) rule.
 */
import type { KubeObject } from '../api/object.ts';
import { type GatewayServer, type GatewaySpec, bareHost, fullName, hostsOverlap, meshOfNamespace, nameOf, namespaceOf, podsSelectedBy, specOf } from './objects.ts';
import { inspectCredential } from './tls-credential.ts';
import { type CheckResult, type ClusterSnapshot, failed, passed, warned } from './types.ts';

const CREDENTIAL_MODES = new Set(['SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL']);

export function gatewayCredentialChecks(snapshot: ClusterSnapshot, now: Date): CheckResult[] {
  const results: CheckResult[] = [];
  for (const gw of snapshot.gateways) {
    const spec = specOf<GatewaySpec>(gw);
    const servers = (spec.servers ?? []).filter((s) => CREDENTIAL_MODES.has(s.tls?.mode ?? ''));
    if (servers.length === 0) continue;
    const workloadNamespaces = [...new Set(podsSelectedBy(snapshot.pods, spec.selector ?? {}).map(namespaceOf))].sort();
    for (const server of servers) results.push(credentialCheck(snapshot, gw, server, workloadNamespaces, now));
  }
  return results;
}

function credentialCheck(snapshot: ClusterSnapshot, gw: KubeObject, server: GatewayServer, workloadNamespaces: string[], now: Date): CheckResult {
  const credential = server.tls?.credentialName;
  const port = server.port?.number ?? 0;
  const description = `Gateway ${fullName(gw)} port ${port}: TLS credential ${credential ?? '(none)'} is usable`;
  const selector = JSON.stringify(specOf<GatewaySpec>(gw).selector ?? {});
  if (!credential) {
    return failed(description, `server on port ${port} has tls.mode ${server.tls?.mode} but no tls.credentialName`, `Create a TLS Secret in the gateway workload's namespace (kubectl create -n istio-system secret tls NAME --key=KEY --cert=CERT) and set tls.credentialName: NAME on the server (kubectl edit gateway -n ${namespaceOf(gw)} ${nameOf(gw)}).`);
  }
  if (workloadNamespaces.length === 0) {
    return warned(description, `the selector ${selector} picks no gateway pod, so nothing serves this Gateway`, 'Fix spec.selector to match the gateway pods\' labels (e.g. istio: ingressgateway; kubectl get pods -A --show-labels), or check that the ServiceMeshControlPlane is Ready.');
  }
  const errors: string[] = [];
  const warnings: string[] = [];
  const hosts = (server.hosts ?? []).map(bareHost);
  for (const ns of workloadNamespaces) {
    const secret = snapshot.secrets.find((s) => namespaceOf(s) === ns && nameOf(s) === credential);
    if (secret === undefined) {
      errors.push(`Secret ${ns}/${credential} does not exist`);
      continue;
    }
    const caSecret = snapshot.secrets.find((s) => namespaceOf(s) === ns && nameOf(s) === `${credential}-cacert`);
    const found = inspectCredential(secret, caSecret, { mutual: server.tls?.mode !== 'SIMPLE', hosts, now });
    errors.push(...found.errors.map((e) => `Secret ${ns}/${credential} ${e}`));
    warnings.push(...found.warnings.map((w) => `Secret ${ns}/${credential} ${w}`));
  }
  const ns = workloadNamespaces[0]!;
  const fix = `Create or replace it in the gateway workload's namespace: kubectl create -n ${ns} secret tls ${credential} --key=KEY --cert=CERT --dry-run=client -o yaml | kubectl apply -f - (the gateway picks up the new certificate without a restart).`;
  if (errors.length > 0) return failed(description, [...errors, ...warnings].join('; '), `${fix} Until then this listener serves no TLS; the Gateway's other listeners keep serving.`);
  if (warnings.length > 0) return warned(description, warnings.join('; '), fix);
  return passed(description);
}

/** One check: no two Gateways claim the same port and overlapping hosts on one selector in one mesh. */
export function gatewayConflictCheck(snapshot: ClusterSnapshot): CheckResult {
  const description = 'no two Gateways claim the same port and host on one gateway workload';
  interface Claim { gateway: KubeObject; key: string; port: number; hosts: string[] }
  const claims: Claim[] = [];
  for (const gw of snapshot.gateways) {
    const spec = specOf<GatewaySpec>(gw);
    const selector = Object.entries(spec.selector ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(',');
    const mesh = meshOfNamespace(snapshot.namespaces, namespaceOf(gw)) ?? '';
    for (const server of spec.servers ?? []) {
      const port = server.port?.number ?? 0;
      claims.push({ gateway: gw, key: `${mesh}~${selector}~${port}`, port, hosts: (server.hosts ?? []).map(bareHost) });
    }
  }
  const conflicts: string[] = [];
  for (let i = 0; i < claims.length; i++) {
    for (let j = i + 1; j < claims.length; j++) {
      const a = claims[i]!;
      const b = claims[j]!;
      if (a.key !== b.key || a.gateway === b.gateway) continue;
      if (!a.hosts.some((h) => b.hosts.some((o) => hostsOverlap(h, o)))) continue;
      const selector = a.key.split('~')[1];
      conflicts.push(`${fullName(a.gateway)} (hosts ${a.hosts.join(',')}) and ${fullName(b.gateway)} (hosts ${b.hosts.join(',')}) claim port ${a.port} on selector ${selector || '<none>'}`);
    }
  }
  if (conflicts.length === 0) return passed(description);
  return failed(description, [...new Set(conflicts)].join('; '), 'Only one of them gets the port and host: delete one Gateway, give them distinct hosts, or merge their servers into one Gateway (kubectl edit gateway -n NAMESPACE NAME).');
}
