/**
 * What the Revision reconciler reads from Serving's ConfigMaps (knative-serving): the keys of
 * config-deployment, config-defaults, config-autoscaler and config-features that shape a
 * revision's Deployment and PodAutoscaler (knative/serving pkg/deployment/config.go,
 * pkg/apis/config/defaults.go, pkg/autoscaler/config/config.go), parsed as upstream parses
 * them. Absent or unparsable keys keep Knative 1.15's defaults, so a revision still deploys
 * before the operator has written the ConfigMaps.
 */
import { parseGoDuration, SECOND } from '../../../../api/schema/go-duration.ts';
import { KPA_CLASS } from '../../../../api/knative/serving/keys.ts';

export const QUEUE_SIDECAR_IMAGE_DEFAULT = 'gcr.io/knative-releases/knative.dev/serving/cmd/queue:v1.15.2';

export interface RevisionConfig {
  deployment: {
    queueSidecarImage: string;
    /** Seconds (config-deployment `progress-deadline`, 600s). */
    progressDeadlineSeconds: number;
    queueSidecarRequests: Record<string, string>;
    queueSidecarLimits: Record<string, string>;
    queueSidecarRootCA: string;
    /** `prefer-spread-revision-over-nodes` (default) or `none`. */
    defaultAffinityType: string;
  };
  /** config-defaults `enable-service-links` (false; undefined leaves the pod's choice). */
  enableServiceLinks: boolean | undefined;
  autoscaler: { initialScale: number; podAutoscalerClass: string };
  features: { multiContainerProbing: boolean; autoDetectHttp2: boolean };
}

export interface ServingConfigMaps {
  deployment?: Record<string, string>;
  defaults?: Record<string, string>;
  autoscaler?: Record<string, string>;
  features?: Record<string, string>;
}

/** The ConfigMap names, keyed as ServingConfigMaps is. */
export const CONFIG_MAP_NAMES = {
  deployment: 'config-deployment',
  defaults: 'config-defaults',
  autoscaler: 'config-autoscaler',
  features: 'config-features',
} as const;

const QUEUE_RESOURCE_KEYS: ReadonlyArray<[string, string, 'requests' | 'limits']> = [
  ['queue-sidecar-cpu-request', 'cpu', 'requests'],
  ['queue-sidecar-memory-request', 'memory', 'requests'],
  ['queue-sidecar-ephemeral-storage-request', 'ephemeral-storage', 'requests'],
  ['queue-sidecar-cpu-limit', 'cpu', 'limits'],
  ['queue-sidecar-memory-limit', 'memory', 'limits'],
  ['queue-sidecar-ephemeral-storage-limit', 'ephemeral-storage', 'limits'],
];

/** Whole seconds of a Go duration, or undefined when it is not a positive whole-second one. */
export function durationSeconds(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const ns = parseGoDuration(raw.trim());
  if (ns === undefined || ns <= 0n) return undefined;
  return Number(ns / SECOND);
}

function int(raw: string | undefined, fallback: number): number {
  return raw !== undefined && /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : fallback;
}

export function revisionConfigFromConfigMaps(data: ServingConfigMaps = {}): RevisionConfig {
  const d = data.deployment ?? {};
  // The camelCase spellings are the deprecated ones; the kebab-case keys win when both are set.
  const image = d['queue-sidecar-image'] ?? d.queueSidecarImage;
  const requests: Record<string, string> = { cpu: '25m' };
  const limits: Record<string, string> = {};
  for (const [key, resource, kind] of QUEUE_RESOURCE_KEYS) {
    const v = d[key];
    if (v !== undefined && v.trim() !== '') (kind === 'requests' ? requests : limits)[resource] = v.trim();
  }
  const links = data.defaults?.['enable-service-links']?.trim().toLowerCase();
  const a = data.autoscaler ?? {};
  const f = data.features ?? {};
  const enabled = (raw: string | undefined) => raw?.trim().toLowerCase() === 'enabled';
  return {
    deployment: {
      queueSidecarImage: image !== undefined && image.trim() !== '' ? image.trim() : QUEUE_SIDECAR_IMAGE_DEFAULT,
      progressDeadlineSeconds: durationSeconds(d['progress-deadline'] ?? d.progressDeadline) ?? 600,
      queueSidecarRequests: requests,
      queueSidecarLimits: limits,
      queueSidecarRootCA: d['queue-sidecar-rootca'] ?? '',
      defaultAffinityType: d['default-affinity-type'] === 'none' ? 'none' : 'prefer-spread-revision-over-nodes',
    },
    enableServiceLinks: links === undefined ? false : links === 'true' ? true : links === 'false' ? false : undefined,
    autoscaler: {
      initialScale: Math.max(0, int(a['initial-scale'], 1)),
      podAutoscalerClass: a['pod-autoscaler-class']?.trim() || KPA_CLASS,
    },
    features: {
      multiContainerProbing: enabled(f['multi-container-probing']),
      autoDetectHttp2: enabled(f['autodetect-http2']),
    },
  };
}
