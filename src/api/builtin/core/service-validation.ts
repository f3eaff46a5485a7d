/**
 * Service validation (core validation.go ValidateService / ValidateServiceUpdate, and the
 * single-stack checks alloc.go makes before allocating). The service name itself is a
 * DNS-1035 label (`nameRule`), checked by the API server with the other metadata.
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import { isValidPortNum, parseCIDR, parseIPFamily, specialIPProblems, INVALID_CIDR, INVALID_IP } from '../util/names.ts';
import { validateLabels } from '../util/labels.ts';
import { isNil, num, obj, objs, str, strMap, strs, type Obj } from '../util/obj.ts';
import { dns1123Label, dns1123Subdomain, portNumOrName, qualifiedName } from './container-validation.ts';
import { externallyAccessible } from './service-defaults.ts';
import { goStringSlice } from '../util/go-values.ts';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const KUBELET_PORT = 10250;

export function isHeadless(spec: Obj): boolean {
  const ips = strs(spec.clusterIPs);
  return ips.length === 1 && ips[0] === 'None';
}

function validatePort(p: Obj, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(p.name);
  if (requireName && name === '') errs.push(fieldErr.required(`${path}.name`));
  else if (name !== '') {
    errs.push(...dns1123Label(name, `${path}.name`));
    if (names.has(name)) errs.push(fieldErr.duplicate(`${path}.name`, name));
    else names.add(name);
  }
  const port = num(p.port) ?? 0;
  errs.push(...isValidPortNum(port).map((m) => fieldErr.invalid(`${path}.port`, port, m)));
  const protocol = str(p.protocol);
  if (protocol === '') errs.push(fieldErr.required(`${path}.protocol`));
  else if (!PROTOCOLS.includes(protocol)) errs.push(fieldErr.notSupported(`${path}.protocol`, protocol, PROTOCOLS));
  errs.push(...portNumOrName(p.targetPort, `${path}.targetPort`));
  if (typeof p.appProtocol === 'string') errs.push(...qualifiedName(p.appProtocol, `${path}.appProtocol`));
  return errs;
}

/** ValidateServiceClusterIPsRelatedFields plus the single-stack (IPv4) cluster's limits. */
function validateClusterIPs(spec: Obj): FieldError[] {
  if (str(spec.type) === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const clusterIP = str(spec.clusterIP);
  const clusterIPs = strs(spec.clusterIPs);
  if (clusterIP !== '') {
    if (clusterIPs.length === 0) errs.push(fieldErr.required('spec.clusterIPs'));
    else if (clusterIPs[0] !== clusterIP) errs.push(fieldErr.invalid('spec.clusterIPs', goStringSlice(clusterIPs), 'first value must match `clusterIP`'));
  } else if (clusterIPs.length !== 0) {
    errs.push(fieldErr.invalid('spec.clusterIPs', goStringSlice(clusterIPs), 'must be empty when `clusterIP` is not specified'));
  }
  const families = strs(spec.ipFamilies);
  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(fieldErr.notSupported(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6']));
    if (seen.has(f)) errs.push(fieldErr.duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  const policy = spec.ipFamilyPolicy;
  const policies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
  if (!isNil(policy) && !policies.includes(str(policy))) errs.push(fieldErr.notSupported('spec.ipFamilyPolicy', policy, policies));
  let badIP = false;
  clusterIPs.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (clusterIPs.length > 1) {
        badIP = true;
        errs.push(fieldErr.invalid('spec.clusterIPs', goStringSlice(clusterIPs), "'None' must be the first and only value"));
      }
      return;
    }
    if (!parseIPFamily(ip)) {
      badIP = true;
      errs.push(fieldErr.invalid(`spec.clusterIPs[${i}]`, ip, INVALID_IP));
    }
  });
  if (clusterIPs.length > 2) errs.push(fieldErr.invalid('spec.clusterIPs', goStringSlice(clusterIPs), 'may only hold up to 2 values'));
  if (badIP) return errs;
  if (clusterIPs.length > 1 && parseIPFamily(clusterIPs[0]!) === parseIPFamily(clusterIPs[1]!)) {
    errs.push(fieldErr.invalid('spec.clusterIPs', goStringSlice(clusterIPs), 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(spec)) {
    clusterIPs.forEach((ip, i) => {
      const want = families[i];
      if (want === undefined) return;
      const is6 = parseIPFamily(ip) === 'IPv6';
      if (want === 'IPv4' && is6) errs.push(fieldErr.invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (want === 'IPv6' && !is6) errs.push(fieldErr.invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  // skiff serves one IPv4 service range; only selectorless headless services may ask for both families.
  const selectorlessHeadless = str(spec.clusterIP) === 'None' && Object.keys(strMap(spec.selector)).length === 0;
  if (!selectorlessHeadless) {
    if (str(policy) === 'RequireDualStack') errs.push(fieldErr.invalid('spec.ipFamilyPolicy', 'RequireDualStack', 'this cluster is not configured for dual-stack services'));
    families.forEach((f, i) => {
      if (f === 'IPv6') errs.push(fieldErr.invalid(`spec.ipFamilies[${i}]`, f, 'not configured on this cluster'));
    });
  }
  return errs;
}

export function validateService(svc: Obj): FieldError[] {
  const spec = obj(svc.spec);
  const type = str(spec.type);
  const headless = isHeadless(spec);
  const ports = objs(spec.ports);
  const errs: FieldError[] = [];
  const meta = obj(svc.metadata);
  const annotations = strMap(meta.annotations);
  const hints = annotations['service.kubernetes.io/topology-aware-hints'];
  const mode = annotations['service.kubernetes.io/topology-mode'];
  if (hints !== undefined && mode !== undefined && hints !== mode) {
    errs.push(fieldErr.invalid('metadata.annotations[service.kubernetes.io/topology-mode]', mode, 'must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified'));
  }
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(fieldErr.required('spec.ports'));
  if (type === 'LoadBalancer') {
    ports.forEach((p, i) => {
      if (p.port === KUBELET_PORT) errs.push(fieldErr.invalid(`spec.ports[${i}]`, KUBELET_PORT, `may not expose port ${KUBELET_PORT} externally since it is used by kubelet`));
    });
    if (headless) errs.push(fieldErr.invalid('spec.clusterIPs[0]', 'None', 'may not be set to \'None\' for LoadBalancer services'));
  } else if (type === 'NodePort') {
    if (headless) errs.push(fieldErr.invalid('spec.clusterIPs[0]', 'None', 'may not be set to \'None\' for NodePort services'));
  } else if (type === 'ExternalName') {
    if (strs(spec.clusterIPs).length > 0) errs.push(fieldErr.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (strs(spec.ipFamilies).length > 0) errs.push(fieldErr.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (!isNil(spec.ipFamilyPolicy)) errs.push(fieldErr.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    const cname = str(spec.externalName).replace(/\.$/, '');
    if (cname !== '') errs.push(...dns1123Subdomain(cname, 'spec.externalName'));
    else errs.push(fieldErr.required('spec.externalName'));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validatePort(p, ports.length > 1, names, `spec.ports[${i}]`)));
  if (!isNil(spec.selector)) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const affinity = str(spec.sessionAffinity);
  if (affinity === '') errs.push(fieldErr.required('spec.sessionAffinity'));
  else if (affinity !== 'ClientIP' && affinity !== 'None') errs.push(fieldErr.notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  if (affinity === 'ClientIP') {
    const timeout = num(obj(obj(spec.sessionAffinityConfig).clientIP).timeoutSeconds);
    if (isNil(spec.sessionAffinityConfig)) errs.push(fieldErr.required('spec.sessionAffinityConfig', 'when session affinity type is ClientIP'));
    else if (timeout === undefined) errs.push(fieldErr.required('spec.sessionAffinityConfig.clientIP.timeoutSeconds', 'when session affinity type is ClientIP'));
    else if (timeout <= 0 || timeout > 86400) errs.push(fieldErr.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', timeout, 'must be greater than 0 and less than 86400'));
  } else if (affinity === 'None' && !isNil(spec.sessionAffinityConfig)) {
    errs.push(fieldErr.forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPs(spec));
  strs(spec.externalIPs).forEach((ip, i) => {
    if (!parseIPFamily(ip)) errs.push(fieldErr.invalid(`spec.externalIPs[${i}]`, ip, INVALID_IP));
    else errs.push(...specialIPProblems(ip).map((m) => fieldErr.invalid(`spec.externalIPs[${i}]`, ip, m)));
  });
  if (type === '') errs.push(fieldErr.required('spec.type'));
  else if (!TYPES.includes(type)) errs.push(fieldErr.notSupported('spec.type', type, TYPES));
  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if ((num(p.nodePort) ?? 0) !== 0) errs.push(fieldErr.forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const nodePort = num(p.nodePort) ?? 0;
    if (nodePort !== 0) {
      const key = `${str(p.protocol)}/${nodePort}`;
      if (nodePorts.has(key)) errs.push(fieldErr.duplicate(`spec.ports[${i}].nodePort`, nodePort));
      nodePorts.add(key);
    }
    const key = `${str(p.protocol)}/${num(p.port) ?? 0}`;
    if (portKeys.has(key)) errs.push(fieldErr.duplicate(`spec.ports[${i}]`, { protocol: str(p.protocol), port: num(p.port) ?? 0 }));
    portKeys.add(key);
  });
  const ranges = strs(spec.loadBalancerSourceRanges);
  if (ranges.length > 0) {
    if (type !== 'LoadBalancer') errs.push(fieldErr.forbidden('spec.LoadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => {
      if (!parseCIDR(r.trim())) errs.push(fieldErr.invalid(`spec.LoadBalancerSourceRanges[${i}]`, r.trim(), INVALID_CIDR));
    });
  }
  if (!isNil(spec.allocateLoadBalancerNodePorts) && type !== 'LoadBalancer') errs.push(fieldErr.forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  if (type === 'LoadBalancer' && isNil(spec.allocateLoadBalancerNodePorts)) errs.push(fieldErr.required('allocateLoadBalancerNodePorts'));
  if (typeof spec.loadBalancerClass === 'string') {
    if (type === 'LoadBalancer') errs.push(...qualifiedName(spec.loadBalancerClass, 'spec.loadBalancerClass'));
    else errs.push(fieldErr.forbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
  }
  const etp = str(spec.externalTrafficPolicy);
  if (!externallyAccessible(spec)) {
    if (etp !== '') errs.push(fieldErr.invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  } else if (etp === '') {
    errs.push(fieldErr.required('spec.externalTrafficPolicy'));
  } else if (etp !== 'Cluster' && etp !== 'Local') {
    errs.push(fieldErr.notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  }
  const needsHealthCheck = type === 'LoadBalancer' && etp === 'Local';
  const hcnp = num(spec.healthCheckNodePort) ?? 0;
  if (!needsHealthCheck && hcnp !== 0) errs.push(fieldErr.invalid('spec.healthCheckNodePort', hcnp, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  if (isNil(spec.internalTrafficPolicy) && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(type)) errs.push(fieldErr.required('spec.internalTrafficPolicy'));
  if (!isNil(spec.internalTrafficPolicy) && !['Cluster', 'Local'].includes(str(spec.internalTrafficPolicy))) {
    errs.push(fieldErr.notSupported('spec.internalTrafficPolicy', spec.internalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (!isNil(spec.trafficDistribution) && spec.trafficDistribution !== 'PreferClose') errs.push(fieldErr.notSupported('spec.trafficDistribution', spec.trafficDistribution, ['PreferClose']));
  return errs;
}

/** validateUpgradeDowngradeClusterIPs and the other update-only rules. */
export function validateServiceUpdate(svc: Obj, old: Obj): FieldError[] {
  const spec = obj(svc.spec);
  const oldSpec = obj(old.spec);
  const errs: FieldError[] = [];
  const external = str(spec.type) === 'ExternalName' || str(oldSpec.type) === 'ExternalName';
  if (!external && !(isHeadless(spec) && isHeadless(oldSpec))) {
    const next = strs(spec.clusterIPs);
    const prev = strs(oldSpec.clusterIPs);
    if (next.length === prev.length) {
      prev.forEach((ip, i) => {
        if (ip !== next[i]) errs.push(fieldErr.invalid(`spec.clusterIPs[${i}]`, goStringSlice(next), 'may not change once set'));
      });
    } else if (prev.length > next.length) {
      if (next.length === 0) errs.push(fieldErr.invalid('spec.clusterIPs[0]', goStringSlice(next), 'primary clusterIP can not be unset'));
      if (prev.length > 0 && next.length > 0 && next[0] !== prev[0]) errs.push(fieldErr.invalid('spec.clusterIPs[0]', goStringSlice(next), 'may not change once set'));
      if (next.length === 1 && str(spec.ipFamilyPolicy) !== 'SingleStack') errs.push(fieldErr.invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    } else if (prev.length > 0 && next[0] !== prev[0]) {
      errs.push(fieldErr.invalid('spec.clusterIPs[0]', goStringSlice(next), 'may not change once set'));
    }
  }
  if (!external && isHeadless(spec) === isHeadless(oldSpec) && !isHeadless(spec)) {
    const next = strs(spec.ipFamilies);
    const prev = strs(oldSpec.ipFamilies);
    if (next.length === prev.length && prev.some((f, i) => f !== next[i])) errs.push(fieldErr.invalid('spec.ipFamilies[0]', next, 'may not change once set'));
    if (next.length !== prev.length && next.length > 0 && prev.length > 0 && next[0] !== prev[0]) errs.push(fieldErr.invalid('spec.ipFamilies[0]', strs(spec.clusterIPs), 'may not change once set'));
  }
  if (str(spec.type) === 'LoadBalancer' && str(oldSpec.type) === 'LoadBalancer' && (spec.loadBalancerClass ?? null) !== (oldSpec.loadBalancerClass ?? null)) {
    errs.push(fieldErr.invalid('spec.loadBalancerClass', spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  const healthChecked = (s: Obj): boolean => str(s.type) === 'LoadBalancer' && str(s.externalTrafficPolicy) === 'Local';
  if (healthChecked(spec) && healthChecked(oldSpec) && spec.healthCheckNodePort !== oldSpec.healthCheckNodePort) {
    errs.push(fieldErr.forbidden('spec.healthCheckNodePort', 'field is immutable'));
  }
  return errs;
}
