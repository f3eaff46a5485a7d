/**
 * Service-link environment variables (Docker links style), as the kubelet's envvars.FromServices:
 * for every Service with a cluster IP, `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT`,
 * `<NAME>_SERVICE_PORT_<PORTNAME>` and the `<NAME>_PORT…` family, NAME being the service
 * name upper-cased with dashes as underscores. A pod gets its namespace's services when
 * enableServiceLinks is not false, and always the `kubernetes` service of `default`.
 */
import type { KubeObject } from '../../api/object.ts';

interface ServicePort { name?: string; port: number; protocol?: string }

export function serviceEnvironment(services: readonly KubeObject[], namespace: string, enableServiceLinks: boolean): Map<string, string> {
  const env = new Map<string, string>();
  const byName = new Map<string, KubeObject>();
  for (const s of services) {
    if (s.metadata.namespace === 'default' && s.metadata.name === 'kubernetes') {
      if (!byName.has('kubernetes')) byName.set('kubernetes', s);
    } else if (s.metadata.namespace === namespace && enableServiceLinks) {
      byName.set(s.metadata.name ?? '', s);
    }
  }
  const chosen = [...byName.values()].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  for (const svc of chosen) {
    const spec = (svc.spec ?? {}) as { clusterIP?: string; ports?: ServicePort[] };
    const ip = spec.clusterIP ?? '';
    if (ip === '' || ip === 'None') continue;
    const name = envName(svc.metadata.name ?? '');
    const ports = spec.ports ?? [];
    if (ports.length === 0) continue;
    env.set(`${name}_SERVICE_HOST`, ip);
    env.set(`${name}_SERVICE_PORT`, String(ports[0]!.port));
    for (const p of ports) if (p.name) env.set(`${name}_SERVICE_PORT_${envName(p.name)}`, String(p.port));
    const first = ports[0]!;
    env.set(`${name}_PORT`, `${(first.protocol ?? 'TCP').toLowerCase()}://${hostPort(ip, first.port)}`);
    for (const p of ports) {
      const protocol = p.protocol ?? 'TCP';
      const prefix = `${name}_PORT_${p.port}_${protocol.toUpperCase()}`;
      env.set(prefix, `${protocol.toLowerCase()}://${hostPort(ip, p.port)}`);
      env.set(`${prefix}_PROTO`, protocol.toLowerCase());
      env.set(`${prefix}_PORT`, String(p.port));
      env.set(`${prefix}_ADDR`, ip);
    }
  }
  return env;
}

function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
