/**
 * Mesh-wide checks that no single proxy's compilation sees, as istioctl analyze reports
 * them (IST0101 ReferencedResourceNotFound): VirtualServices bound to Gateways that do not
 * exist, and Gateways whose selector matches no running pod, so nothing serves them.
 * For `skiff check` and events; pure like the compilers.
 */
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import { selectorMatches } from './config-order.ts';
import type { Gateway, VirtualService } from './istio-specs.ts';
import { problem } from './problems.ts';
import type { Problem } from './problems.ts';
import { MESH_GATEWAY, boundGateways, resolveGatewayName } from './virtual-service-routes.ts';

export function analyzeGatewayReferences(virtualServices: readonly VirtualService[], gateways: readonly Gateway[], pods: readonly Pod[]): Problem[] {
  const problems: Problem[] = [];
  const known = new Set(gateways.map((g) => `${g.metadata.namespace ?? ''}/${g.metadata.name ?? ''}`));
  for (const vs of virtualServices) {
    const namespace = vs.metadata.namespace ?? '';
    const named = new Set<string>(boundGateways(vs));
    (vs.spec?.http ?? []).forEach((rule) => (rule.match ?? []).forEach((m) => (m.gateways ?? []).forEach((g) => named.add(resolveGatewayName(g, namespace)))));
    for (const gateway of named) {
      if (gateway === MESH_GATEWAY || known.has(gateway)) continue;
      problems.push(problem(vs, 'virtual-service-gateway-unknown', `gateway ${gateway} does not exist: the routes meant for it are not served`, 'spec.gateways', 'warning'));
    }
  }
  const running = pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  for (const gw of gateways) {
    const selector = gw.spec?.selector ?? {};
    if (running.some((p) => selectorMatches(selector, p.metadata.labels ?? {}))) continue;
    const labels = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
    problems.push(problem(gw, 'gateway-no-workload', `no pod matches the selector ${labels || '(empty)'}: no gateway serves this Gateway`, 'spec.selector', 'warning'));
  }
  return problems;
}
