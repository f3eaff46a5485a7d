/**
 * The `ports` of an ingress rule: which destination ports and protocols the rule opens.
 * Numbers and `endPort` ranges compile to intervals; names stay names and are resolved at
 * match time against the destination pod's container ports (the same rule may open
 * different numbers on different pods, as Kubernetes resolves named ports per pod).
 */
import type { NetworkPolicyPort, Protocol } from './types.ts';

/** A container port by name, as the destination pod declares it. */
export interface NamedPort {
  port: number;
  protocol: Protocol;
}

/** Per pod: port name → its declarations (one per protocol at most in a valid pod). */
export type NamedPorts = ReadonlyMap<string, readonly NamedPort[]>;

type PortMatcher =
  | { kind: 'range'; protocol: string; from: number; to: number }
  | { kind: 'named'; protocol: string; name: string }
  | { kind: 'any-port'; protocol: string };

/** `undefined` means the rule has no `ports`: every port of every protocol. */
export type CompiledPorts = readonly PortMatcher[] | undefined;

export function compilePorts(ports: readonly NetworkPolicyPort[] | null | undefined): CompiledPorts {
  if (!ports || ports.length === 0) return undefined;
  return ports.map((p): PortMatcher => {
    // The API server defaults the protocol; objects compiled before defaulting mean TCP too.
    const protocol = p.protocol ?? 'TCP';
    if (typeof p.port === 'number') return { kind: 'range', protocol, from: p.port, to: p.endPort ?? p.port };
    if (typeof p.port === 'string' && p.port !== '') return { kind: 'named', protocol, name: p.port };
    return { kind: 'any-port', protocol };
  });
}

export function portsAllow(ports: CompiledPorts, port: number, protocol: Protocol, named: NamedPorts): boolean {
  if (ports === undefined) return true;
  for (const m of ports) {
    if (m.protocol !== protocol) continue;
    switch (m.kind) {
      case 'any-port':
        return true;
      case 'range':
        if (port >= m.from && port <= m.to) return true;
        break;
      case 'named':
        // The name must be declared on the destination for this protocol: a TCP `http` does
        // not open a UDP port of that number, nor does a name the pod lacks open anything.
        if (named.get(m.name)?.some((d) => d.port === port && d.protocol === protocol)) return true;
        break;
    }
  }
  return false;
}

/** The named container ports of a pod (containers only: init containers serve no traffic). */
export function namedPortsOf(containers: ReadonlyArray<{ ports?: ReadonlyArray<{ name?: string; containerPort: number; protocol?: string }> | null }> | undefined): NamedPorts {
  const out = new Map<string, NamedPort[]>();
  for (const c of containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.name) continue;
      const list = out.get(p.name) ?? [];
      list.push({ port: p.containerPort, protocol: (p.protocol ?? 'TCP') as Protocol });
      out.set(p.name, list);
    }
  }
  return out;
}

/** For reasons: `TCP/8080`. */
export function describePort(port: number, protocol: Protocol): string {
  return `${protocol}/${port}`;
}
