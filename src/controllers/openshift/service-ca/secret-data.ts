/** Secret `data` is base64 on the wire; the service CA works with PEM text. */
import type { KubeObject } from '../../../api/object.ts';

export interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

export const SECRET = { apiVersion: 'v1', kind: 'Secret' } as const;
export const CONFIG_MAP = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
export const SERVICE = { apiVersion: 'v1', kind: 'Service' } as const;
export const TLS_SECRET_TYPE = 'kubernetes.io/tls';

export function decodeData(data: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  return out;
}

export function encodeData(files: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(files)) out[k] = Buffer.from(v, 'utf8').toString('base64');
  return out;
}

/** RFC 3339 to the second, as Go's time.RFC3339 prints a UTC time (no fraction). */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
