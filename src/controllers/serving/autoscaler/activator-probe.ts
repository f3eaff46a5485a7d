/**
 * Is the activator in a revision's request path? Upstream's KPA probes the revision's public
 * Service with `K-Network-Probe: activator` and expects the activator's answer (200, body
 * `activator`) before it scales the last pod away (kpa/scaler.go activatorProbe). skiff's
 * main process cannot resolve cluster DNS names, so the probe goes to each address of the
 * public Service's Endpoints (what the SKS controller wrote): in path when every one of
 * them is an activator that answers.
 */
import { request } from 'node:http';
import type { KubeObject } from '../../../api/object.ts';
import type { Client } from '../../../client/types.ts';
import { HEADERS, KINDS, PORTS } from '../shared/contracts.ts';

export const ACTIVATOR_PROBE_BODY = 'activator';

interface Endpoints extends KubeObject {
  subsets?: Array<{ addresses?: Array<{ ip: string }>; ports?: Array<{ name?: string; port: number }> }>;
}

/** One HTTP probe: true on 200 with body `activator`. */
export function probeActivatorAt(ip: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({
      host: ip, port, path: '/healthz', method: 'GET', timeout: timeoutMs, agent: false,
      headers: { [HEADERS.probe]: ACTIVATOR_PROBE_BODY, 'user-agent': 'Knative-Autoscaler' },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve(res.statusCode === 200 && body.trim() === ACTIVATOR_PROBE_BODY));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** The addresses the public Service's Endpoints list, with their `http` port (8012 by default). */
export function endpointTargets(ep: Endpoints | undefined): Array<{ ip: string; port: number }> {
  const out: Array<{ ip: string; port: number }> = [];
  for (const subset of ep?.subsets ?? []) {
    const port = subset.ports?.find((p) => p.name === 'http')?.port ?? subset.ports?.[0]?.port ?? PORTS.queueHttp;
    for (const a of subset.addresses ?? []) out.push({ ip: a.ip, port });
  }
  return out;
}

export async function activatorInPath(client: Client, namespace: string, serviceName: string, timeoutMs = 1000): Promise<boolean> {
  if (!serviceName) return false;
  const ep = await client.get<Endpoints>(KINDS.endpoints, namespace, serviceName);
  const targets = endpointTargets(ep);
  if (targets.length === 0) return false;
  const answers = await Promise.all(targets.map((t) => probeActivatorAt(t.ip, t.port, timeoutMs)));
  return answers.every(Boolean);
}
