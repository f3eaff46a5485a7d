/**
 * Service defaulting: SetDefaults_Service (core/v1 defaults.go) plus what the Service REST
 * storage fills in before allocation on a single-stack IPv4 cluster (registry/core/service
 * alloc.go initIPFamilyFields and strategy.go NormalizeClusterIPs). Allocating the cluster IP
 * and node ports themselves is the API server's job (it owns the address ranges).
 */
import { eachObj, ensureObj, isEmptyStr, isNil, obj, objs, str, strMap, strs, type Obj } from '../util/obj.ts';
import { parseIPFamily } from '../util/names.ts';

/** service.ExternallyAccessible: reachable from outside the cluster. */
export function externallyAccessible(spec: Obj): boolean {
  const type = str(spec.type);
  return type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && strs(spec.externalIPs).length > 0);
}

/** Headless (`clusterIP: None`) and without a selector: its families follow the cluster's. */
function headlessWithoutSelector(spec: Obj): boolean {
  return str(spec.clusterIP) === 'None' && Object.keys(strMap(spec.selector)).length === 0;
}

function defaultIPFamilies(spec: Obj): void {
  if (str(spec.type) === 'ExternalName') return;
  const special = headlessWithoutSelector(spec);
  if (isEmptyStr(spec.ipFamilyPolicy)) spec.ipFamilyPolicy = special ? 'RequireDualStack' : 'SingleStack';
  const families = [...strs(spec.ipFamilies)];
  strs(spec.clusterIPs).forEach((ip, i) => {
    if (ip === 'None' || i < families.length) return;
    const family = parseIPFamily(ip);
    if (family) families.push(family);
  });
  if (families.length === 0) families.push('IPv4');
  // Only a selectorless headless service may name both families on a single-stack cluster.
  if (special && families.length < 2 && spec.ipFamilyPolicy !== 'SingleStack') families.push(families[0] === 'IPv4' ? 'IPv6' : 'IPv4');
  spec.ipFamilies = families;
}

export function defaultService(svc: Obj): void {
  const spec = ensureObj(svc, 'spec');
  if (isEmptyStr(spec.sessionAffinity)) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const timeout = obj(obj(spec.sessionAffinityConfig).clientIP).timeoutSeconds;
    if (isNil(timeout)) spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  if (isEmptyStr(spec.type)) spec.type = 'ClusterIP';
  eachObj(spec.ports, (p) => {
    if (isEmptyStr(p.protocol)) p.protocol = 'TCP';
    if (isNil(p.targetPort) || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  });
  if (externallyAccessible(spec) && isEmptyStr(spec.externalTrafficPolicy)) spec.externalTrafficPolicy = 'Cluster';
  if (isNil(spec.internalTrafficPolicy) && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(str(spec.type))) spec.internalTrafficPolicy = 'Cluster';
  if (spec.type === 'LoadBalancer' && isNil(spec.allocateLoadBalancerNodePorts)) spec.allocateLoadBalancerNodePorts = true;
  // An old client sets only the singular field; the plural follows it.
  if (!isEmptyStr(spec.clusterIP) && strs(spec.clusterIPs).length === 0) spec.clusterIPs = [spec.clusterIP];
  defaultIPFamilies(spec);
}

/**
 * For an update: keep what the server allocated when the client left it out (a manifest
 * re-applied without `clusterIP`), then re-sync clusterIP/clusterIPs (NormalizeClusterIPs).
 * The Service kind's defaults run this on every update.
 */
export function carryOverServiceAllocations(svc: Obj, old: Obj): void {
  const spec = ensureObj(svc, 'spec');
  const oldSpec = obj(old.spec);
  const needsIP = (s: Obj): boolean => str(s.type) !== 'ExternalName';
  if (needsIP(spec) && needsIP(oldSpec) && isEmptyStr(spec.clusterIP) && strs(spec.clusterIPs).length === 0) {
    if (!isEmptyStr(oldSpec.clusterIP)) spec.clusterIP = oldSpec.clusterIP;
    if (strs(oldSpec.clusterIPs).length > 0) spec.clusterIPs = [...strs(oldSpec.clusterIPs)];
  }
  if (isEmptyStr(spec.ipFamilyPolicy) && !isEmptyStr(oldSpec.ipFamilyPolicy) && needsIP(spec)) spec.ipFamilyPolicy = oldSpec.ipFamilyPolicy;
  if (['NodePort', 'LoadBalancer'].includes(str(spec.type))) {
    const oldPorts = objs(oldSpec.ports);
    eachObj(spec.ports, (p) => {
      if (!isNil(p.nodePort) && p.nodePort !== 0) return;
      const match = oldPorts.find((o) => o.port === p.port && str(o.protocol || 'TCP') === str(p.protocol || 'TCP'));
      if (match && !isNil(match.nodePort)) p.nodePort = match.nodePort;
    });
  }
  const sameIPs = JSON.stringify(strs(spec.clusterIPs)) === JSON.stringify(strs(oldSpec.clusterIPs));
  if (strs(oldSpec.clusterIPs).length > 0 && strs(spec.clusterIPs).length === 0 && str(oldSpec.clusterIP) === str(spec.clusterIP)) {
    spec.clusterIPs = [...strs(oldSpec.clusterIPs)];
  }
  if (str(oldSpec.clusterIP) !== str(spec.clusterIP)) {
    if (str(oldSpec.clusterIP) !== '' && str(spec.clusterIP) === '' && sameIPs) delete spec.clusterIPs;
    if (str(spec.clusterIP) !== '' && sameIPs) spec.clusterIPs = [spec.clusterIP];
  }
}

function needsClusterIP(spec: Obj): boolean {
  return str(spec.type) !== 'ExternalName';
}

function needsNodePort(spec: Obj): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer';
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * On update, drops what the new type no longer needs when the client left it as it was
 * (registry/core/service strategy.go dropTypeDependentFields): switching a NodePort Service
 * to ClusterIP releases its node ports and its externalTrafficPolicy, switching to
 * ExternalName releases the cluster IP, and so on. Values the client changed are kept, so
 * validation still reports them.
 */
export function dropTypeDependentFields(svc: Obj, old: Obj): void {
  const spec = ensureObj(svc, 'spec');
  const oldSpec = obj(old.spec);
  if (needsClusterIP(oldSpec) && !needsClusterIP(spec)) {
    if (str(spec.clusterIP) === str(oldSpec.clusterIP) && same(spec.clusterIPs, oldSpec.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same(spec.ipFamilies, oldSpec.ipFamilies)) delete spec.ipFamilies;
    if (same(spec.ipFamilyPolicy, oldSpec.ipFamilyPolicy)) delete spec.ipFamilyPolicy;
  }
  const nodePorts = (s: Obj) => objs(s.ports).map((p) => p.nodePort ?? 0);
  if (needsNodePort(oldSpec) && !needsNodePort(spec) && same(nodePorts(spec), nodePorts(oldSpec))) eachObj(spec.ports, (p) => delete p.nodePort);
  const needsHealthCheck = (s: Obj) => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
  if (needsHealthCheck(oldSpec) && !needsHealthCheck(spec) && same(spec.healthCheckNodePort, oldSpec.healthCheckNodePort)) delete spec.healthCheckNodePort;
  if (oldSpec.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (!isNil(spec.allocateLoadBalancerNodePorts) && spec.allocateLoadBalancerNodePorts === oldSpec.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (same(spec.loadBalancerClass, oldSpec.loadBalancerClass)) delete spec.loadBalancerClass;
  }
  if (externallyAccessible(oldSpec) && !externallyAccessible(spec) && same(spec.externalTrafficPolicy, oldSpec.externalTrafficPolicy)) delete spec.externalTrafficPolicy;
}
