/**
 * The table `kubectl get routes` prints on OpenShift. Route is served by openshift-apiserver,
 * whose hand-written printer (pkg/route/printers/internalversion) defines these columns —
 * not the CRD's Host/Admitted/Service/TLS — and has no Age column.
 */
import type { TableColumn, TablePrinter } from '../kind.ts';
import type { KubeObject } from '../object.ts';
import { asArray, asNumber, asRecord, asString, specOf } from '../mesh/fields.ts';
import type { Fields } from '../mesh/fields.ts';
import { ROUTE_INGRESS_CONDITION } from './conditions.ts';

const COLUMNS: readonly TableColumn[] = [
  {
    name: 'Name', type: 'string', format: 'name', priority: 0,
    description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  },
  { name: 'Host/Port', type: 'string', format: '', priority: 0, description: 'host is an alias/DNS that points to the service. Optional. If not specified a route name will typically be automatically chosen. Must follow DNS952 subdomain conventions.' },
  { name: 'Path', type: 'string', format: '', priority: 0, description: 'path that the router watches for, to route traffic for to the service. Optional' },
  { name: 'Services', type: 'string', format: '', priority: 0, description: 'Primary and alternate route backends.' },
  { name: 'Port', type: 'string', format: '', priority: 0, description: 'If specified, the port to be used by the router. Most routers will use all endpoints exposed by the service by default - set this value to instruct routers which port to use.' },
  { name: 'Termination', type: 'string', format: '', priority: 0, description: 'Indicates termination type.' },
  { name: 'Wildcard', type: 'string', format: '', priority: 0, description: "Wildcard policy if any for the route. Currently only 'Subdomain' or 'None' is allowed." },
];

function admittedCondition(ingress: Fields): Fields | undefined {
  return asArray(ingress.conditions).map(asRecord).find((c) => c?.type === ROUTE_INGRESS_CONDITION.Admitted);
}

/** HOST/PORT: the admitted host (preferring spec.host), or why there is none. */
export function hostCell(route: KubeObject): string {
  const specHost = asString(specOf(route).host) ?? '';
  const ingresses = asRecord(route.status)?.ingress;
  // No status.ingress at all: a server that never set it, so show the requested host.
  if (!Array.isArray(ingresses)) return specHost;
  let host = specHost;
  let matched = false;
  let reason = '';
  let admitted = 0;
  let rejected = 0;
  for (const ingress of ingresses.map((i) => asRecord(i) ?? {})) {
    const condition = admittedCondition(ingress);
    if (condition?.status === 'True') {
      admitted++;
      if (!matched) {
        const ingressHost = asString(ingress.host) ?? '';
        matched = ingressHost === specHost;
        host = ingressHost;
      }
    } else if (condition?.status === 'False') {
      reason = asString(condition.reason) ?? '';
      rejected++;
    }
  }
  if (admitted === 0 && rejected > 0) return reason;
  if (rejected > 0) return `${host} ... ${rejected} rejected`;
  if (admitted === 0) return 'Pending';
  if (admitted > 1) return `${host} ... ${admitted - 1} more`;
  return host;
}

/** SERVICES: `to` then `alternateBackends`, with weights as integer percentages. */
export function servicesCell(route: KubeObject): string {
  const spec = specOf(route);
  const backends = [asRecord(spec.to) ?? {}, ...asArray(spec.alternateBackends).map((b) => asRecord(b) ?? {})];
  const weights = backends.map((b) => asNumber(b.weight));
  const total = weights.reduce<number>((sum, w) => sum + (w ?? 0), 0);
  return backends.map((b, i) => {
    const name = asString(b.name) ?? '';
    const weight = weights[i];
    if (weight === undefined || (backends.length === 1 && total !== 0)) return name;
    if (total === 0) return `${name}(0%)`;
    return `${name}(${Math.trunc((weight * 100) / total)}%)`;
  }).join(',');
}

export function portCell(route: KubeObject): string {
  const port = asRecord(specOf(route).port);
  if (!port) return '<all>';
  const target = port.targetPort;
  return typeof target === 'number' || typeof target === 'string' ? String(target) : '';
}

/** TERMINATION: `edge`, `edge/Redirect`, or `default/<policy>` when only the policy is set. */
export function terminationCell(route: KubeObject): string {
  const tls = asRecord(specOf(route).tls);
  const termination = asString(tls?.termination) ?? '';
  const policy = asString(tls?.insecureEdgeTerminationPolicy) ?? '';
  if (termination && policy) return `${termination}/${policy}`;
  if (termination) return termination;
  return policy ? `default/${policy}` : '';
}

export const ROUTE_TABLE: TablePrinter = {
  columns: COLUMNS,
  row: (route) => [
    route.metadata.name ?? '',
    hostCell(route),
    asString(specOf(route).path) ?? '',
    servicesCell(route),
    portCell(route),
    terminationCell(route),
    asString(specOf(route).wildcardPolicy) ?? '',
  ],
};
