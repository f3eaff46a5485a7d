/**
 * The mesh the mesh benchmarks start from, made as a user makes it with kubectl: the control
 * plane (an SMCP in istio-system, waited for until Ready), a namespace of the benchmark's
 * that the member roll lists (waited for until the mesh has labelled it), and the ingress
 * gateway pod's address once it is Ready.
 */
import type { Kubectl } from '../test/support/kubectl.ts';

function memberRoll(namespace: string): string {
  return `apiVersion: v1
kind: Namespace
metadata: {name: ${namespace}}
---
apiVersion: maistra.io/v1
kind: ServiceMeshMemberRoll
metadata: {name: default, namespace: istio-system}
spec:
  members: [${namespace}]
`;
}

/** Applies `smcp` (named `basic`, in istio-system) and a member roll of `namespace`; resolves once both took effect. */
export async function applyMeshWithMember(kubectl: Kubectl, smcp: string, namespace: string): Promise<void> {
  await kubectl.ok(['apply', '-f', '-'], { stdin: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system}\n' });
  await kubectl.ok(['apply', '-f', '-'], { stdin: smcp });
  await kubectl.ok(['wait', '-n', 'istio-system', 'smcp/basic', '--for=condition=Ready', '--timeout=90s'], { timeoutMs: 100_000 });
  await kubectl.ok(['apply', '-f', '-'], { stdin: memberRoll(namespace) });
  await kubectl.ok(['wait', `ns/${namespace}`, '--for=jsonpath={.metadata.labels.maistra\\.io/member-of}=istio-system', '--timeout=60s'], { timeoutMs: 70_000 });
}

/** The istio-ingressgateway pod's IP, once the pod is Ready. */
export async function ingressGatewayIP(kubectl: Kubectl): Promise<string> {
  await kubectl.ok(['wait', '-n', 'istio-system', 'pod', '-l', 'app=istio-ingressgateway', '--for=condition=Ready', '--timeout=60s'], { timeoutMs: 70_000 });
  return kubectl.ok(['get', 'pods', '-n', 'istio-system', '-l', 'app=istio-ingressgateway', '-o', 'jsonpath={.items[0].status.podIP}']);
}
