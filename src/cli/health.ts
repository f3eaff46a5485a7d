/**
 * Component health for `skiff status`: the API server's readiness from `GET /readyz?verbose`
 * (Kubernetes' format) and the components from `GET /skiff/v1/status`.
 */
import type { ComponentHealth } from '../server/types.ts';
import type { ApiClient } from './api-client.ts';

/**
 * Parses `/readyz?verbose`: one `[+]name ok` / `[-]name failed: reason` line per check,
 * then `readyz check passed|failed`.
 */
export function parseReadyz(body: string): ComponentHealth[] {
  const checks: ComponentHealth[] = [];
  for (const line of body.split('\n')) {
    const match = /^\[([+-])\](\S+)\s*(.*)$/.exec(line.trim());
    if (match === null) continue;
    const message = match[3]!.trim();
    checks.push({ name: match[2]!, healthy: match[1] === '+', ...(message === '' ? {} : { message }) });
  }
  return checks;
}

/** Reads `{components: [{name, healthy, message?}]}`; undefined when the body is not that shape. */
export function parseStatusComponents(body: string): ComponentHealth[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  const components = (value as { components?: unknown } | null)?.components;
  if (!Array.isArray(components)) return undefined;
  const result: ComponentHealth[] = [];
  for (const item of components as unknown[]) {
    const c = item as Partial<ComponentHealth> | null;
    if (typeof c?.name !== 'string' || typeof c.healthy !== 'boolean') return undefined;
    result.push({ name: c.name, healthy: c.healthy, ...(typeof c.message === 'string' ? { message: c.message } : {}) });
  }
  return result;
}

/** What `/skiff/v1/status` says beyond the components (absent parts: an older skiff, or nothing to say). */
export interface StatusExtras {
  networkPolicy?: { enforced: boolean; message?: string; isolatedPods: number; policies: number };
  /** Mesh proxies (gateways and sidecars) with the configuration version each applied. */
  meshProxies?: { pod: string; kind: string; mesh: string; appliedVersion: string; problems: number }[];
}

/** Reads the extras from a `/skiff/v1/status` body; malformed parts are left out. */
export function parseStatusExtras(body: string): StatusExtras {
  let value: { networkPolicy?: unknown; mesh?: { proxies?: unknown } } | null;
  try {
    value = JSON.parse(body) as typeof value;
  } catch {
    return {};
  }
  const out: StatusExtras = {};
  const np = value?.networkPolicy as StatusExtras['networkPolicy'] | undefined;
  if (np && typeof np.enforced === 'boolean' && typeof np.isolatedPods === 'number' && typeof np.policies === 'number') {
    out.networkPolicy = { enforced: np.enforced, isolatedPods: np.isolatedPods, policies: np.policies, ...(typeof np.message === 'string' ? { message: np.message } : {}) };
  }
  const proxies = value?.mesh?.proxies;
  if (Array.isArray(proxies)) {
    out.meshProxies = (proxies as StatusExtras['meshProxies'] & unknown[])
      .filter((p) => typeof p?.pod === 'string' && typeof p.kind === 'string')
      .map((p) => ({ pod: p.pod, kind: p.kind, mesh: String(p.mesh ?? ''), appliedVersion: String(p.appliedVersion ?? ''), problems: Number(p.problems ?? 0) }));
  }
  return out;
}

/** The components and the extras from one read of the status document. */
export async function fetchStatus(client: ApiClient): Promise<{ components: ComponentHealth[]; extras: StatusExtras }> {
  const status = await client.get('/skiff/v1/status').catch(() => undefined);
  const extras = status?.status === 200 ? parseStatusExtras(status.body) : {};
  return { components: await fetchComponents(client, status), extras };
}

/**
 * The instance's components, with the API server first. Reaching the API at all is the
 * first check: when it does not answer, that is the one unhealthy component reported.
 */
export async function fetchComponents(client: ApiClient, statusRead?: Awaited<ReturnType<ApiClient['get']>>): Promise<ComponentHealth[]> {
  const [readyz, status] = await Promise.allSettled([client.get('/readyz?verbose'), statusRead ?? client.get('/skiff/v1/status')]);
  if (readyz.status === 'rejected') {
    return [{ name: 'apiserver', healthy: false, message: describe(readyz.reason) }];
  }
  const checks = parseReadyz(readyz.value.body);
  const failing = checks.filter((check) => !check.healthy).map((check) => `${check.name} ${check.message ?? 'failed'}`);
  const apiserver: ComponentHealth = readyz.value.status === 200
    ? { name: 'apiserver', healthy: true, message: 'ready' }
    : { name: 'apiserver', healthy: false, message: failing.length > 0 ? `not ready: ${failing.join('; ')}` : `not ready (HTTP ${readyz.value.status})` };
  const components = status.status === 'fulfilled' && status.value.status === 200 ? parseStatusComponents(status.value.body) : undefined;
  if (components === undefined) return [apiserver, ...checks.filter((check) => check.name !== 'apiserver')];
  return components.some((c) => c.name === 'apiserver') ? components : [apiserver, ...components];
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
