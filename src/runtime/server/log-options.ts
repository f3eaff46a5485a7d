/**
 * The kubelet's container-log query (`/containerLogs/...?follow=&previous=&tailLines=…`),
 * the same parameters kube-apiserver's pods/log accepts (v1 PodLogOptions) and forwards.
 * Pure: parsing and validation only.
 */

export interface LogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  /** Only the last N lines (before follow continues with new ones). */
  tailLines?: number;
  /** Only lines written at or after this instant (sinceSeconds or sinceTime). */
  since?: Date;
  /** Stop after this many bytes of output. */
  limitBytes?: number;
}

/** A query that PodLogOptions validation refuses; the message is the API's field error. */
export class LogOptionsError extends Error {}

function flag(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v === 'true' || v === '1';
}

function integer(query: URLSearchParams, name: string, min: number): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw new LogOptionsError(`${name}: Invalid value: "${raw}": must be an integer`);
  const value = Number(raw);
  if (value < min) throw new LogOptionsError(`${name}: Invalid value: ${value}: must be greater than ${min === 0 ? 'or equal to 0' : min - 1}`);
  return value;
}

export function parseLogOptions(query: URLSearchParams, now: Date): LogOptions {
  const tailLines = integer(query, 'tailLines', 0);
  const sinceSeconds = integer(query, 'sinceSeconds', 1);
  const limitBytes = integer(query, 'limitBytes', 1);
  const sinceTimeRaw = query.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTimeRaw) throw new LogOptionsError('PodLogOptions: Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified');
  let since: Date | undefined;
  if (sinceSeconds !== undefined) since = new Date(now.getTime() - sinceSeconds * 1000);
  if (sinceTimeRaw) {
    since = new Date(sinceTimeRaw);
    if (Number.isNaN(since.getTime())) throw new LogOptionsError(`sinceTime: Invalid value: "${sinceTimeRaw}": must be an RFC 3339 time`);
  }
  return {
    follow: flag(query, 'follow'),
    previous: flag(query, 'previous'),
    timestamps: flag(query, 'timestamps'),
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(since ? { since } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
  };
}
