/**
 * Container lifecycle handlers (postStart, preStop): `exec` runs in the container,
 * `httpGet` calls the container (default host: the pod's address), `sleep` waits. A hook
 * is bounded by the time it is given (preStop: the grace period).
 */
import { httpProbe } from '../probes/probe-actions.ts';

export interface LifecycleHandler {
  exec?: { command?: string[] };
  httpGet?: { host?: string; port: number | string; path?: string; scheme?: 'HTTP' | 'HTTPS'; httpHeaders?: Array<{ name: string; value: string }> };
  sleep?: { seconds: number };
}

export interface HookTarget {
  podIP: string;
  ports: ReadonlyArray<{ name?: string; containerPort: number }>;
  exec(argv: string[], timeoutMs: number): Promise<{ exitCode: number; output: string; timedOut: boolean }>;
}

export async function runLifecycleHandler(handler: LifecycleHandler, target: HookTarget, timeoutMs: number): Promise<{ ok: boolean; message: string }> {
  if (handler.exec) {
    const argv = handler.exec.command ?? [];
    try {
      const r = await target.exec(argv, timeoutMs);
      if (r.timedOut) return { ok: false, message: `command '${argv.join(' ')}' timed out` };
      return r.exitCode === 0 ? { ok: true, message: r.output } : { ok: false, message: `command '${argv.join(' ')}' exited with ${r.exitCode}: ${r.output}` };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  }
  if (handler.httpGet) {
    const h = handler.httpGet;
    let port: number;
    if (typeof h.port === 'number' || /^\d+$/.test(h.port)) port = Number(h.port);
    else {
      const named = target.ports.find((p) => p.name === h.port);
      if (!named) return { ok: false, message: `couldn't find port: ${h.port}` };
      port = named.containerPort;
    }
    const r = await httpProbe({ host: h.host || target.podIP, port, path: h.path ?? '/', scheme: h.scheme ?? 'HTTP', headers: h.httpHeaders ?? [] }, timeoutMs);
    return { ok: r.success, message: r.output };
  }
  if (handler.sleep) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(handler.sleep!.seconds * 1000, timeoutMs)));
    return { ok: true, message: '' };
  }
  return { ok: false, message: 'the handler has no action' };
}
