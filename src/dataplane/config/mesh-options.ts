/**
 * The MeshConfig settings the compilers honour, read from the mesh ConfigMap's parsed
 * `mesh` document (src/controllers/mesh/.../mesh-config.ts parseMeshConfig): auto mTLS,
 * what a sidecar does with traffic to unknown destinations, the default HTTP retry policy,
 * how long a proxy waits for a client's first bytes.
 */
import { parseDurationMs, validateDuration } from '../../api/mesh/istio/names.ts';
import type { HttpRetry } from './istio-specs.ts';

export interface MeshOptions {
  /** enableAutoMtls (default true): ISTIO_MUTUAL towards sidecar endpoints when no DestinationRule sets TLS. */
  enableAutoMtls: boolean;
  /** outboundTrafficPolicy.mode: ALLOW_ANY passes unknown destinations through, REGISTRY_ONLY answers 502. */
  outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  /** defaultHttpRetryPolicy, used where a route names no retries. */
  defaultHttpRetryPolicy?: HttpRetry;
  /**
   * protocolDetectionTimeout in ms: 0 waits for a client's first bytes however long (Istio's
   * default); absent (unset, or a value istiod refuses: under 1ms or finer than ms) leaves
   * the proxies' own default (docs/sidecars.md).
   */
  protocolDetectionTimeoutMs?: number;
}

export const DEFAULT_MESH_OPTIONS: MeshOptions = { enableAutoMtls: true, outboundTrafficPolicy: 'ALLOW_ANY' };

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function meshOptionsFrom(meshConfig: Record<string, unknown> | undefined): MeshOptions {
  const mode = record(meshConfig?.outboundTrafficPolicy)?.mode;
  const retry = record(meshConfig?.defaultHttpRetryPolicy);
  return {
    enableAutoMtls: meshConfig?.enableAutoMtls !== false,
    outboundTrafficPolicy: mode === 'REGISTRY_ONLY' ? 'REGISTRY_ONLY' : 'ALLOW_ANY',
    ...(retry ? { defaultHttpRetryPolicy: retry as HttpRetry } : {}),
    ...detectionTimeout(meshConfig?.protocolDetectionTimeout),
  };
}

/** istiod's rule for protocolDetectionTimeout: 0s, or what its ValidateDuration accepts (at least 1ms, whole ms). */
function detectionTimeout(value: unknown): Pick<MeshOptions, 'protocolDetectionTimeoutMs'> {
  if (typeof value !== 'string') return {};
  const ms = parseDurationMs(value);
  return ms === 0 || (ms !== undefined && validateDuration(value) === undefined) ? { protocolDetectionTimeoutMs: ms } : {};
}
