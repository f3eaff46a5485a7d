/**
 * skiff's substitute for the hop through knative-local-gateway. Upstream a DomainMapping's
 * KIngress sends the request to the target's placeholder Service (`hello`, an ExternalName
 * of knative-local-gateway) with the authority rewritten to `hello.default.svc.cluster.local`;
 * the ingress gateway resolves that name and the local gateway routes the request again, by
 * the Route's cluster-local rule, to the revisions. skiff's gateway data plane cannot take
 * that second hop yet (it resolves no cluster names for ExternalName clusters; the
 * ISTIO_MUTUAL origination the OpenShift local gateway requires it has since gained), so the DomainMapping's
 * path takes the Route's cluster-local paths for that host directly: the same splits, the
 * same Knative-Serving-Revision/-Namespace headers, the same revisions, one hop. The host is
 * still rewritten and K-Original-Host appended, as upstream. Remove once the gateway can
 * route through an ExternalName to the local gateway. Pure.
 */
import type { KubeObject } from '../../../api/object.ts';

interface Split { appendHeaders?: Record<string, string>; [field: string]: unknown }
interface Path { splits?: Split[]; rewriteHost?: string; [field: string]: unknown }
interface Rule { hosts?: string[]; visibility?: string; http?: { paths?: Path[] } }

/**
 * The paths the local gateway would route `host` by, taken from the Route's KIngress, with
 * the DomainMapping's host rewrite and appended header; undefined when that KIngress has no
 * cluster-local rule for the host (then the upstream single split stands).
 */
export function pathsViaRouteIngress(routeIngress: KubeObject | undefined, host: string, extraHeaders: Readonly<Record<string, string>>): Path[] | undefined {
  const rules = ((routeIngress?.spec ?? {}) as { rules?: Rule[] }).rules ?? [];
  const rule = rules.find((r) => r.visibility === 'ClusterLocal' && (r.hosts ?? []).includes(host));
  const paths = rule?.http?.paths;
  if (!paths || paths.length === 0) return undefined;
  return paths.map((p) => ({
    ...structuredClone(p),
    rewriteHost: host,
    splits: (p.splits ?? []).map((s) => ({ ...structuredClone(s), appendHeaders: { ...(s.appendHeaders ?? {}), ...extraHeaders } })),
  }));
}
