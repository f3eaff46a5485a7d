/**
 * What kube-apiserver's Service REST storage allocates when a Service is written
 * (registry/core/service/storage/alloc.go): a cluster IP from the service range unless the
 * Service is headless or ExternalName, node ports for NodePort and LoadBalancer Services
 * (one per distinct service port number, reusing a port the user named for the same
 * number), and a health-check node port for LoadBalancer Services with
 * `externalTrafficPolicy: Local`.
 *
 * Requested values that cannot be had are 422 Invalid with kube-apiserver's messages
 * (`spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated`);
 * a full range is a 500. What other Services hold is passed in; releasing is implicit
 * (a deleted Service's values are simply no longer in use).
 */
import { fieldErr, type FieldError } from '../../api/field-error.ts';
import { addressAt, DEFAULT_NODE_PORT_RANGE, DEFAULT_SERVICE_CIDR, formatPortRange, offsetInRange, parseIpv4Range, parsePortRange, type Ipv4Range, type PortRange } from '../../api/builtin/core/service-network.ts';
import { goStringSlice } from '../../api/builtin/util/go-values.ts';
import { ensureObj, eachObj, num, obj, objs, str, strs, type Obj } from '../../api/builtin/util/obj.ts';
import { SkiffError } from '../../errors/skiff-error.ts';
import { invalid } from '../storage/api-errors.ts';
import { IP_BAND, PORT_BAND, pickFree, staticBand } from './pick-free.ts';

export interface ServiceNetwork {
  serviceRange: Ipv4Range;
  nodePorts: PortRange;
}

/** Values held by every other Service. */
export interface InUse {
  clusterIPs: ReadonlySet<string>;
  nodePorts: ReadonlySet<number>;
}

type Random = (n: number) => number;

const SERVICE = { kind: 'Service', group: '' } as const;

class IpPool {
  readonly #taken: Set<string>;
  constructor(readonly range: Ipv4Range, inUse: ReadonlySet<string>, readonly random?: Random) {
    this.#taken = new Set(inUse);
  }

  /** Reserves a named IP; returns why it cannot be had, if it cannot. */
  claim(ip: string): string | undefined {
    const off = offsetInRange(this.range, ip);
    // The network and broadcast addresses are outside the allocatable range.
    if (off === undefined || off === 0 || off === this.range.size - 1) return `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.range.cidr}`;
    if (this.#taken.has(ip)) return 'provided IP is already allocated';
    this.#taken.add(ip);
    return undefined;
  }

  next(): string {
    const size = this.range.size - 2;
    const at = pickFree(size, staticBand(size, IP_BAND), (i) => this.#taken.has(addressAt(this.range, i + 1)), this.random);
    if (at === undefined) throw new SkiffError('SKF_SERVICE_RANGE_FULL', `Internal error occurred: failed to allocate a serviceIP: range is full`);
    const ip = addressAt(this.range, at + 1);
    this.#taken.add(ip);
    return ip;
  }
}

class PortPool {
  readonly #taken: Set<number>;
  constructor(readonly range: PortRange, inUse: ReadonlySet<number>, readonly random?: Random) {
    this.#taken = new Set(inUse);
  }

  claim(port: number): string | undefined {
    if (port < this.range.min || port > this.range.max) return `provided port is not in the valid range. The range of valid ports is ${formatPortRange(this.range)}`;
    if (this.#taken.has(port)) return 'provided port is already allocated';
    this.#taken.add(port);
    return undefined;
  }

  next(what: string): number {
    const size = this.range.max - this.range.min + 1;
    const at = pickFree(size, staticBand(size, PORT_BAND), (i) => this.#taken.has(this.range.min + i), this.random);
    if (at === undefined) throw new SkiffError('SKF_SERVICE_RANGE_FULL', `Internal error occurred: failed to allocate a ${what}: range is full`);
    this.#taken.add(this.range.min + at);
    return this.range.min + at;
  }
}

function isHeadless(spec: Obj): boolean {
  return strs(spec.clusterIPs)[0] === 'None' || str(spec.clusterIP) === 'None';
}

function needsNodePorts(spec: Obj): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer';
}

/** shouldAllocateNodePorts: NodePort always; LoadBalancer unless allocateLoadBalancerNodePorts is false. */
function allocatesNodePorts(spec: Obj): boolean {
  return spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
}

/** apiservice.NeedsHealthCheck: LoadBalancer with externalTrafficPolicy Local. */
function needsHealthCheck(spec: Obj): boolean {
  return spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

function nodePortsOf(spec: Obj): Set<number> {
  const out = new Set<number>();
  for (const p of objs(spec.ports)) if ((num(p.nodePort) ?? 0) > 0) out.add(num(p.nodePort)!);
  if ((num(spec.healthCheckNodePort) ?? 0) > 0) out.add(num(spec.healthCheckNodePort)!);
  return out;
}

function allocateClusterIP(name: string, spec: Obj, pool: IpPool): void {
  if (spec.type === 'ExternalName' || isHeadless(spec)) return;
  const requested = strs(spec.clusterIPs)[0] ?? str(spec.clusterIP);
  if (requested === '') {
    const ip = pool.next();
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
    return;
  }
  const why = pool.claim(requested);
  if (why !== undefined) throw invalid(SERVICE, name, [fieldErr.invalid('spec.clusterIPs', goStringSlice(strs(spec.clusterIPs)), `failed to allocate IP ${requested}: ${why}`)]);
}

/** initNodePorts / updateNodePorts: `owned` are the ports this Service already holds (update). */
function allocateNodePorts(name: string, spec: Obj, pool: PortPool, owned: ReadonlySet<number>): void {
  const byServicePort = new Map<number, number>();
  const ports = objs(spec.ports);
  const errors: FieldError[] = [];
  const claim = (port: number, index: number): boolean => {
    if (owned.has(port)) return true;
    const why = pool.claim(port);
    if (why !== undefined) errors.push(fieldErr.invalid(`spec.ports[${index}].nodePort`, port, why));
    return why === undefined;
  };
  eachObj(spec.ports, (p, i) => {
    const nodePort = num(p.nodePort) ?? 0;
    if (nodePort === 0 && !allocatesNodePorts(spec)) return;
    const servicePort = num(p.port) ?? 0;
    const already = byServicePort.get(servicePort);
    if (already === undefined) {
      // A port the user named for the same service port number (e.g. TCP and UDP 53) is reused.
      const requested = nodePort || (ports.slice(i + 1).find((q) => num(q.port) === servicePort && (num(q.nodePort) ?? 0) > 0)?.nodePort as number | undefined) || 0;
      if (requested > 0) {
        if (claim(requested, i)) p.nodePort = requested;
        byServicePort.set(servicePort, requested);
      } else {
        const fresh = pool.next('nodePort');
        p.nodePort = fresh;
        byServicePort.set(servicePort, fresh);
      }
    } else if (nodePort !== already) {
      if (nodePort === 0) p.nodePort = already;
      else claim(nodePort, i);
    }
  });
  if (errors.length > 0) throw invalid(SERVICE, name, errors);
}

function allocateHealthCheckNodePort(spec: Obj, pool: PortPool, old: Obj | undefined): void {
  if (!needsHealthCheck(spec)) return;
  const requested = num(spec.healthCheckNodePort) ?? 0;
  const previous = old && needsHealthCheck(old) ? num(old.healthCheckNodePort) ?? 0 : 0;
  if (requested === 0 && previous > 0) {
    spec.healthCheckNodePort = previous;
    return;
  }
  if (requested > 0) {
    if (requested === previous) return;
    const why = pool.claim(requested);
    if (why !== undefined) throw new SkiffError('SKF_API_INTERNAL', `Internal error occurred: failed to allocate requested HealthCheck NodePort ${requested}: ${why}`);
    return;
  }
  spec.healthCheckNodePort = pool.next('HealthCheck NodePort');
}

/**
 * Fills in the cluster IP and node ports `svc` needs, in place. `old` is the stored Service
 * on update (its values stay this Service's own); `inUse` what every other Service holds.
 */
export function allocateServiceFields(svc: Obj, old: Obj | undefined, network: ServiceNetwork, inUse: InUse, random?: Random): void {
  const name = str(obj(svc.metadata).name);
  const spec = ensureObj(svc, 'spec');
  const oldSpec = old ? obj(old.spec) : undefined;
  const ips = new IpPool(network.serviceRange, inUse.clusterIPs, random);
  const ports = new PortPool(network.nodePorts, inUse.nodePorts, random);
  // Updates keep their cluster IP (immutable); only ExternalName → another type needs a new one.
  if (!oldSpec || oldSpec.type === 'ExternalName') allocateClusterIP(name, spec, ips);
  if (needsNodePorts(spec)) allocateNodePorts(name, spec, ports, oldSpec ? nodePortsOf({ ports: oldSpec.ports }) : new Set());
  allocateHealthCheckNodePort(spec, ports, oldSpec);
}

/** The cluster IPs and node ports a stored Service holds. */
export function heldBy(svc: Obj): { clusterIPs: string[]; nodePorts: number[] } {
  const spec = obj(svc.spec);
  const clusterIPs = spec.type === 'ExternalName' ? [] : strs(spec.clusterIPs).filter((ip) => ip !== '' && ip !== 'None');
  return { clusterIPs, nodePorts: needsNodePorts(spec) || (num(spec.healthCheckNodePort) ?? 0) > 0 ? [...nodePortsOf(spec)] : [] };
}

/** The defaults: cluster IPs from 127.96.0.0/16, node ports 30000-32767 (service-network.ts). */
export function defaultServiceNetwork(): ServiceNetwork {
  return { serviceRange: parseIpv4Range(DEFAULT_SERVICE_CIDR), nodePorts: parsePortRange(DEFAULT_NODE_PORT_RANGE) };
}
