/**
 * Shared by the mesh control-plane suites: a skiff (istiod and the gateways run skiff's
 * built-in pilot and proxyv2 images, whose readiness probes pass: istiod `/ready` on 8080, a
 * gateway `/healthz/ready` on 15021) and helpers that wait on kubectl's view of things.
 */
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

/** The seed 002 control plane (§1.4.2), verbatim. */
export const SEED_SMCP = `apiVersion: maistra.io/v2
kind: ServiceMeshControlPlane
metadata:
  name: basic
  namespace: istio-system
spec:
  profiles:
  - default
  security:
    dataPlane:
      mtls: true
  techPreview:
    meshConfig:
      defaultConfig:
        terminationDrainDuration: 35s
  gateways:
    ingress:
      service:
        metadata:
          labels:
            knative: ingressgateway
  proxy:
    networking:
      trafficControl:
        inbound:
          excludedPorts:
          - 8444 # metrics
          - 8022 # serving: wait-for-drain k8s pre-stop hook
`;

/** A skiff for the mesh suites: istiod's and the gateways' images are built in (docs/images.md). */
export async function startMeshSkiff(opts: { dataDir?: string } = {}): Promise<TestSkiff> {
  return startTestSkiff(opts);
}

/** Runs `kubectl get … -o jsonpath` until the output satisfies `done` (or fails with the last output). */
export async function waitFor(s: TestSkiff, args: string[], done: (out: string) => boolean, what: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const r = await s.kubectl(args);
    last = r.stdout + r.stderr;
    if (r.code === 0 && done(r.stdout)) return r.stdout;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last output of kubectl ${args.join(' ')}:\n${last}`);
    // Polling kubectl is the observation here, not synchronisation: each run reads fresh state.
    await new Promise((r2) => setTimeout(r2, 200));
  }
}

export function jsonpath(s: TestSkiff, kind: string, namespace: string | undefined, name: string, path: string): Promise<string> {
  return s.kubectl.ok(['get', kind, name, ...(namespace ? ['-n', namespace] : []), '-o', `jsonpath=${path}`]);
}

/** The parts of API objects these suites read (kubectl -o json). */
export interface Condition { type: string; status: string; reason?: string; message?: string }
export interface Meta { name: string; uid: string; resourceVersion: string; labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[]; ownerReferences?: unknown[] }
export interface Obj<Spec = Record<string, unknown>, Status = Record<string, unknown>> { metadata: Meta; spec: Spec; status: Status }
export interface List<T> { items: T[] }
export interface ServicePort { name: string; port: number; targetPort: number | string; protocol: string; nodePort?: number }
export type Service = Obj<{ type: string; ports: ServicePort[]; selector: Record<string, string> }>;

export interface ControlPlaneStatus {
  conditions: Condition[];
  annotations: Record<string, string>;
  readiness: { components: Record<string, string[]> };
  components: Array<{ resource: string }>;
  observedGeneration: number;
  operatorVersion: string;
  chartVersion: string;
  appliedSpec: { profiles: string[]; version: string; runtime: { defaults: { container: { imageRegistry: string } } }; security: { dataPlane: unknown; trust?: unknown } };
  appliedValues: { profiles: string[]; istio: { global: { proxy: { excludeInboundPorts: string } } } };
}

export interface MemberRollStatus {
  members: string[];
  configuredMembers: string[];
  pendingMembers: string[];
  terminatingMembers: string[];
  conditions: Condition[];
  memberStatuses: Array<{ namespace: string; conditions: Condition[] }>;
  meshReconciledVersion: string;
  meshGeneration: number;
}

export interface MemberStatus { annotations: Record<string, string>; conditions: Condition[]; observedGeneration: number; meshGeneration: number; meshReconciledVersion: string }

/** `kubectl <args> -o json`, parsed. */
export async function getJson<T>(s: TestSkiff, ...args: string[]): Promise<T> {
  return JSON.parse(await s.kubectl.ok([...args, '-o', 'json'])) as T;
}
