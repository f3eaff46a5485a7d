/**
 * core/v1 Service: printer (TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S), SELECTOR), defaults and
 * validation. Services carry no generation. On update, defaulting first carries over what
 * the server allocated (cluster IPs, node ports) when the client left it out, so that a
 * re-applied manifest without `clusterIP` keeps the allocated one.
 */
import type { KindDefinition, TablePrinter } from '../../kind.ts';
import { formatLabels } from '../util/labels.ts';
import { builtinKind } from '../util/builtin-kind.ts';
import { num, obj, objs, str, strMap, strs } from '../util/obj.ts';
import { age, ageColumn, fieldColumn, nameColumn } from '../util/table.ts';
import { carryOverServiceAllocations, defaultService, dropTypeDependentFields } from './service-defaults.ts';
import { validateService, validateServiceUpdate } from './service-validation.ts';

const SPEC = 'io.k8s.api.core.v1.ServiceSpec';

/** loadBalancerStatusStringer (wide): distinct ingress IPs, else hostnames, sorted. */
function loadBalancerIngress(status: unknown): string[] {
  const set = new Set<string>();
  for (const ing of objs(obj(obj(status).loadBalancer).ingress)) {
    const v = str(ing.ip) || str(ing.hostname);
    if (v) set.add(v);
  }
  return [...set].sort();
}

function externalIP(svc: Record<string, unknown>): string {
  const spec = obj(svc.spec);
  const externalIPs = strs(spec.externalIPs);
  switch (str(spec.type)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(svc.status);
      if (externalIPs.length) return [...lb, ...externalIPs].join(',');
      return lb.length ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

function portString(ports: unknown): string {
  const text = objs(ports).map((p) => {
    const nodePort = num(p.nodePort) ?? 0;
    return nodePort > 0 ? `${num(p.port) ?? 0}:${nodePort}/${str(p.protocol)}` : `${num(p.port) ?? 0}/${str(p.protocol)}`;
  }).join(',');
  return text === '' ? '<none>' : text;
}

export function serviceTable(): TablePrinter {
  return {
    columns: [
      nameColumn(),
      fieldColumn('Type', 'string', SPEC, 'type'),
      fieldColumn('Cluster-IP', 'string', SPEC, 'clusterIP'),
      fieldColumn('External-IP', 'string', SPEC, 'externalIPs'),
      fieldColumn('Port(s)', 'string', SPEC, 'ports'),
      ageColumn(),
      fieldColumn('Selector', 'string', SPEC, 'selector', 1),
    ],
    row(svc, now) {
      const spec = obj(svc.spec);
      return [
        svc.metadata.name ?? '', str(spec.type), strs(spec.clusterIPs)[0] ?? '<none>', externalIP(svc), portString(spec.ports), age(svc, now),
        formatLabels(strMap(spec.selector)),
      ];
    },
  };
}

export function serviceKind(): KindDefinition {
  return builtinKind({
    group: '', version: 'v1', kind: 'Service', plural: 'services', scope: 'Namespaced',
    shortNames: ['svc'], categories: ['all'],
    subresources: { status: true, others: ['proxy'] },
    generation: 'none',
    nameRule: 'dns1035-label',
    table: serviceTable(),
    defaults(svc, ctx) {
      if (ctx?.operation === 'update' && ctx.old) {
        carryOverServiceAllocations(svc, ctx.old);
        dropTypeDependentFields(svc, ctx.old);
      }
      defaultService(svc);
    },
    validate(svc, ctx) {
      if (ctx.operation === 'status') return [];
      const errs = validateService(svc);
      return ctx.operation === 'update' && ctx.old ? [...validateServiceUpdate(svc, ctx.old), ...errs] : errs;
    },
    fieldSelectors: {
      'spec.clusterIP': (s) => str(obj(s.spec).clusterIP),
      'spec.type': (s) => str(obj(s.spec).type),
    },
  });
}
