/**
 * What the compilers could not use, and why: the list `skiff check`, events and logs show.
 * A problem never stops compilation — the offending server, route or policy is skipped (or
 * kept with a warning) and everything else still compiles, as istiod does.
 */
import type { KubeObject } from '../../api/object.ts';

/** Stable identifiers, so that tools can group problems without parsing messages. */
export type ProblemCode =
  | 'gateway-no-port' // server without a usable port number
  | 'gateway-protocol-conflict' // a port already serves another protocol family
  | 'gateway-duplicate-host' // another (older) Gateway already serves this port+host
  | 'gateway-no-target-port' // a Service-referenced port resolves to nothing
  | 'credential-missing' // credentialName names no Secret in the gateway workload's namespace
  | 'credential-malformed' // the Secret lacks keys or holds unparsable PEM
  | 'credential-mismatch' // certificate and private key do not belong together
  | 'credential-expired' // the certificate is outside its validity period
  | 'tls-unsupported' // TLS settings the data plane cannot honour
  | 'route-destination-unknown' // a route names a host no Service or ServiceEntry defines
  | 'route-subset-unknown' // a route names a subset no DestinationRule defines
  | 'route-port-ambiguous' // a destination without port on a multi-port service
  | 'route-invalid' // a rule that cannot be compiled (bad regex, no action)
  | 'virtual-service-duplicate-host' // a newer mesh VirtualService for a host an older one owns
  | 'virtual-service-gateway-unknown' // `gateways` names a Gateway that does not exist
  | 'gateway-no-workload' // a Gateway's selector matches no pod
  | 'service-entry-invalid'
  | 'authorization-invalid';

export interface ObjectRef { kind: string; namespace: string; name: string }

/** The error catalog code (src/errors/catalog.ts) a problem is reported under in events and `skiff check`. */
export type ProblemCatalogCode = 'SKF_MESH_GATEWAY_CREDENTIAL' | 'SKF_MESH_GATEWAY_CONFLICT' | 'SKF_MESH_CONFIG_IGNORED';

export function catalogCodeOf(code: ProblemCode): ProblemCatalogCode {
  if (code.startsWith('credential-')) return 'SKF_MESH_GATEWAY_CREDENTIAL';
  if (code === 'gateway-protocol-conflict' || code === 'gateway-duplicate-host') return 'SKF_MESH_GATEWAY_CONFLICT';
  return 'SKF_MESH_CONFIG_IGNORED';
}

export interface Problem {
  severity: 'error' | 'warning';
  code: ProblemCode;
  object: ObjectRef;
  /** The field path inside the object, `spec.servers[1].tls.credentialName`. */
  field?: string;
  message: string;
}

export function refOf(obj: KubeObject): ObjectRef {
  return { kind: obj.kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' };
}

export function problem(obj: KubeObject, code: ProblemCode, message: string, field?: string, severity: Problem['severity'] = 'error'): Problem {
  return { severity, code, object: refOf(obj), ...(field !== undefined ? { field } : {}), message };
}

/** One line for logs and events: `Gateway knative-serving/gw spec.servers[0]: message`. */
export function formatProblem(p: Problem): string {
  const at = p.field ? ` ${p.field}` : '';
  return `${p.object.kind} ${p.object.namespace}/${p.object.name}${at}: ${p.message}`;
}

/** The same problem reported from several places (servers, ports) once. */
export function uniqueProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.severity} ${p.code} ${formatProblem(p)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
