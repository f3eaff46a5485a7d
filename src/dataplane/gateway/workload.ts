/**
 * Which pods are gateway workloads, and what the proxy needs to know about them: a pod
 * whose `istio-proxy`-style container runs `pilot-agent proxy router …` (how Maistra's
 * gateway Deployments start proxyv2), its labels and named ports for Gateway selection and
 * port translation, its mesh (the `maistra-control-plane` label, else its namespace), and
 * how long it drains when deleted.
 */
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import { parseGoDuration } from '../../api/schema/go-duration.ts';
import type { GatewayWorkload } from '../config/gateway-listeners.ts';
import type { ProxyConfig } from '../config/compile-proxy.ts';

/** Istio's ProxyConfig default terminationDrainDuration. */
export const DEFAULT_TERMINATION_DRAIN_MS = 5_000;
/** Kubernetes' default terminationGracePeriodSeconds. */
const DEFAULT_GRACE_SECONDS = 30;

interface Container { name: string; args?: unknown; command?: unknown; ports?: { name?: string; containerPort: number }[] }

function containersOf(pod: Pod): Container[] {
  return (pod.spec?.containers ?? []) as Container[];
}

export function isGatewayPod(pod: Pod): boolean {
  return containersOf(pod).some((c) => {
    const words = [...(Array.isArray(c.command) ? c.command : []), ...(Array.isArray(c.args) ? c.args : [])].map(String);
    const i = words.indexOf('proxy');
    return i >= 0 && words[i + 1] === 'router';
  });
}

export function gatewayWorkloadOf(pod: Pod): GatewayWorkload {
  const namedPorts: Record<string, number> = {};
  for (const c of containersOf(pod)) for (const p of c.ports ?? []) if (p.name) namedPorts[p.name] = p.containerPort;
  return { namespace: pod.metadata.namespace ?? '', labels: pod.metadata.labels ?? {}, namedPorts };
}

/** The namespace of the control plane the gateway belongs to (istiod's root namespace). */
export function meshNamespaceOf(pod: Pod): string {
  return pod.metadata.labels?.['maistra-control-plane'] ?? pod.metadata.namespace ?? '';
}

/** The mesh config's `defaultConfig.terminationDrainDuration` (Go duration), else Istio's 5 s. */
export function terminationDrainMs(meshConfig: Readonly<Record<string, unknown>> | undefined): number {
  const defaults = meshConfig?.defaultConfig as Record<string, unknown> | undefined;
  const raw = defaults?.terminationDrainDuration;
  if (typeof raw !== 'string') return DEFAULT_TERMINATION_DRAIN_MS;
  const ns = parseGoDuration(raw);
  return ns === undefined || ns < 0n ? DEFAULT_TERMINATION_DRAIN_MS : Number(ns / 1_000_000n);
}

/** How long a deleted gateway pod drains: terminationDrainDuration, never past its grace period. */
export function drainDeadlineMs(pod: Pod, drainMs: number): number {
  const grace = pod.metadata.deletionGracePeriodSeconds ?? (pod.spec?.terminationGracePeriodSeconds as number | undefined) ?? DEFAULT_GRACE_SECONDS;
  return Math.max(0, Math.min(drainMs, grace * 1000));
}

/** Whether any terminating chain takes its certificate from the mesh (ISTIO_MUTUAL). */
export function needsMeshIdentity(config: ProxyConfig): boolean {
  return config.listeners.some((l) => l.filterChains.some((c) => c.tls?.certificate.source === 'mesh'));
}
