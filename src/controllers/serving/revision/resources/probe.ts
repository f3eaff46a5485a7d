/**
 * The user container's readiness probe as queue-proxy runs it (knative/serving
 * pkg/reconciler/revision/resources/queue.go applyReadinessProbeDefaults): Kubernetes never
 * probes the user container itself; queue-proxy does, from inside the pod, and Kubernetes
 * probes queue-proxy instead. The probe travels in the env `SERVING_READINESS_PROBE` as the
 * JSON Go's encoding/json writes for a corev1.Probe (struct field order, zero values
 * omitted), which is what the queue-proxy program parses.
 */
import type { Json } from '../../../../api/knative/util/json.ts';
import { isObject } from '../../../../api/knative/util/json.ts';

/** Upstream probes the user container on the pod's loopback. */
export const PROBE_HOST = '127.0.0.1';

const portNumber = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0);

/** The port queue-proxy probes: the probe's own port when it names one, else the user port. */
export function probePort(probe: Json, userPort: number): number {
  for (const handler of ['httpGet', 'tcpSocket'] as const) {
    const h = probe[handler];
    if (isObject(h) && portNumber(h.port) !== 0) return portNumber(h.port);
  }
  const grpc = probe.grpc;
  if (isObject(grpc) && portNumber(grpc.port) > 0) return portNumber(grpc.port);
  return userPort;
}

/** The probe queue-proxy runs against the user container: host 127.0.0.1, the resolved port, http scheme, exec turned into a TCP check. */
export function userReadinessProbe(probe: Json, userPort: number): Json {
  const p = structuredClone(probe);
  const port = probePort(probe, userPort);
  if (isObject(p.httpGet)) {
    p.httpGet = { ...p.httpGet, host: PROBE_HOST, port, scheme: p.httpGet.scheme || 'HTTP' };
  } else if (isObject(p.tcpSocket)) {
    p.tcpSocket = { ...p.tcpSocket, host: PROBE_HOST, port };
  } else if (isObject(p.exec)) {
    delete p.exec;
    p.tcpSocket = { host: PROBE_HOST, port };
  } else if (isObject(p.grpc)) {
    p.grpc = { ...p.grpc, port };
  }
  if (typeof p.periodSeconds === 'number' && p.periodSeconds > 0 && !(typeof p.timeoutSeconds === 'number' && p.timeoutSeconds >= 1)) p.timeoutSeconds = 1;
  return p;
}

const PROBE_FIELDS = ['exec', 'httpGet', 'tcpSocket', 'grpc', 'initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold', 'terminationGracePeriodSeconds'];
const HANDLER_FIELDS: Record<string, string[]> = {
  exec: ['command'],
  httpGet: ['path', 'port', 'host', 'scheme', 'httpHeaders'],
  tcpSocket: ['port', 'host'],
  grpc: ['port', 'service'],
};

const isEmpty = (v: unknown): boolean => v === undefined || v === null || v === '' || v === 0 || v === false || (Array.isArray(v) && v.length === 0);

function ordered(o: Json, fields: readonly string[], nested: Record<string, string[]> = {}): Json {
  const out: Json = {};
  for (const f of fields) {
    const v = o[f];
    if (isEmpty(v)) continue;
    out[f] = isObject(v) && nested[f] ? ordered(v, nested[f]) : v;
  }
  return out;
}

/** readiness.EncodeSingleProbe: the probe as Go marshals it. gRPC's service is kept even when empty (a *string upstream). */
export function encodeProbe(probe: Json): string {
  const out = ordered(probe, PROBE_FIELDS, HANDLER_FIELDS);
  if (isObject(probe.grpc) && typeof probe.grpc.service === 'string' && isObject(out.grpc)) out.grpc.service = probe.grpc.service;
  return JSON.stringify(out);
}
