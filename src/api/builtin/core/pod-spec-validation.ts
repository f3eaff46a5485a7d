/**
 * ValidatePodSpec and ValidatePodTemplateSpec (core validation.go): container lists, the
 * enums (restartPolicy, dnsPolicy), names the spec refers to, tolerations, DNS config.
 * Affinity, topology spread and OS-specific security options are left to the schema.
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import { inclusiveRangeError, isDNS1123Subdomain, isValidLabelValue, parseIPFamily, INVALID_IP } from '../util/names.ts';
import { validateAnnotations, validateLabelName, validateLabels } from '../util/labels.ts';
import { isNil, num, obj, objs, str, strs, type Obj } from '../util/obj.ts';
import { dns1123Label, dns1123Subdomain, hostPortConflicts, qualifiedName, validateContainerCommon, validateLifecycle, validateProbe } from './container-validation.ts';
import { validateVolumes } from './volume-validation.ts';
import { goStringSlice } from '../util/go-values.ts';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

function subdomainName(value: string, path: string): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => fieldErr.invalid(path, value, m));
}

function validateContainers(spec: Obj, volumes: ReadonlySet<string>, gracePeriod: number, path: string): FieldError[] {
  const containers = objs(spec.containers);
  if (containers.length === 0) return [fieldErr.required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, volumes, at));
    const name = str(c.name);
    if (names.has(name)) errs.push(fieldErr.duplicate(`${at}.name`, name));
    else names.add(name);
    if (!isNil(c.lifecycle)) errs.push(...validateLifecycle(c.lifecycle, gracePeriod, `${at}.lifecycle`));
    errs.push(...validateProbe(c.livenessProbe, 'livenessProbe', gracePeriod, `${at}.livenessProbe`));
    errs.push(...validateProbe(c.readinessProbe, 'readinessProbe', gracePeriod, `${at}.readinessProbe`));
    errs.push(...validateProbe(c.startupProbe, 'startupProbe', gracePeriod, `${at}.startupProbe`));
    if (!isNil(c.restartPolicy)) errs.push(fieldErr.forbidden(`${at}.restartPolicy`, 'may not be set for non-init containers'));
  });
  errs.push(...hostPortConflicts(containers, path));
  return errs;
}

function validateInitContainers(spec: Obj, volumes: ReadonlySet<string>, gracePeriod: number, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(objs(spec.containers).map((c) => str(c.name)));
  objs(spec.initContainers).forEach((c, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, volumes, at));
    let restartAlways = false;
    if (!isNil(c.restartPolicy)) {
      const policy = str(c.restartPolicy);
      if (policy !== 'Always') errs.push(fieldErr.notSupported(`${at}.restartPolicy`, policy, ['Always']));
      restartAlways = policy === 'Always';
    }
    const name = str(c.name);
    if (names.has(name)) errs.push(fieldErr.duplicate(`${at}.name`, name));
    else if (name !== '') names.add(name);
    // Init containers run one by one, so host ports only collide within one of them.
    errs.push(...hostPortConflicts([c], path, new Set(), i));
    if (restartAlways) {
      if (!isNil(c.lifecycle)) errs.push(...validateLifecycle(c.lifecycle, gracePeriod, `${at}.lifecycle`));
      errs.push(...validateProbe(c.livenessProbe, 'livenessProbe', gracePeriod, `${at}.livenessProbe`));
      errs.push(...validateProbe(c.readinessProbe, 'readinessProbe', gracePeriod, `${at}.readinessProbe`));
      errs.push(...validateProbe(c.startupProbe, 'startupProbe', gracePeriod, `${at}.startupProbe`));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (!isNil(c[f])) errs.push(fieldErr.forbidden(`${at}.${f}`, 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return errs;
}

function validateTolerations(tolerations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  objs(tolerations).forEach((t, i) => {
    const at = `${path}[${i}]`;
    const key = str(t.key);
    const operator = str(t.operator);
    const effect = str(t.effect);
    if (key !== '') errs.push(...validateLabelName(key, `${at}.key`));
    if (key === '' && operator !== 'Exists') errs.push(fieldErr.invalid(`${at}.operator`, operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (!isNil(t.tolerationSeconds) && effect !== 'NoExecute') errs.push(fieldErr.invalid(`${at}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    if (operator === 'Equal' || operator === '') {
      const msgs = isValidLabelValue(str(t.value));
      if (msgs.length) errs.push(fieldErr.invalid(`${at}.operator`, str(t.value), msgs.join(';')));
    } else if (operator === 'Exists') {
      if (str(t.value) !== '') errs.push(fieldErr.invalid(`${at}.operator`, t, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(fieldErr.notSupported(`${at}.operator`, operator, ['Equal', 'Exists']));
    }
    if (effect !== '' && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)) {
      errs.push(fieldErr.notSupported(`${at}.effect`, effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    }
  });
  return errs;
}

function validateDNSConfig(spec: Obj, path: string): FieldError[] {
  const policy = str(spec.dnsPolicy);
  const config = spec.dnsConfig;
  if (policy === 'None') {
    if (isNil(config)) return [fieldErr.required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (strs(obj(config).nameservers).length === 0) return [fieldErr.required(`${path}.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (isNil(config)) return [];
  const c = obj(config);
  const errs: FieldError[] = [];
  const nameservers = strs(c.nameservers);
  if (nameservers.length > 3) errs.push(fieldErr.invalid(`${path}.nameservers`, goStringSlice(nameservers), 'must not have more than 3 nameservers'));
  nameservers.forEach((ns, i) => {
    if (!parseIPFamily(ns)) errs.push(fieldErr.invalid(`${path}.nameservers[${i}]`, ns, INVALID_IP));
  });
  const searches = strs(c.searches);
  if (searches.length > 32) errs.push(fieldErr.invalid(`${path}.searches`, goStringSlice(searches), 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048) errs.push(fieldErr.invalid(`${path}.searches`, goStringSlice(searches), 'must not have more than 2048 characters (including spaces) in the search list'));
  searches.forEach((s, i) => errs.push(...dns1123Subdomain(s.replace(/\.$/, ''), `${path}.searches[${i}]`)));
  objs(c.options).forEach((o, i) => {
    if (str(o.name) === '') errs.push(fieldErr.required(`${path}.options[${i}]`, 'must not be empty'));
  });
  return errs;
}

/** ValidatePodSpec. `path` is `spec` for a Pod, `spec.template.spec` for workloads. */
export function validatePodSpec(spec: Obj, path: string): FieldError[] {
  const gracePeriod = num(spec.terminationGracePeriodSeconds) ?? 0;
  const { names: volumes, errors } = validateVolumes(spec.volumes, `${path}.volumes`);
  const errs = [...errors];
  errs.push(...validateContainers(spec, volumes, gracePeriod, `${path}.containers`));
  errs.push(...validateInitContainers(spec, volumes, gracePeriod, `${path}.initContainers`));
  if (spec.hostNetwork === true) {
    objs(spec.containers).forEach((c, i) => objs(c.ports).forEach((p, j) => {
      const hostPort = num(p.hostPort) ?? 0;
      if (hostPort !== 0 && hostPort !== (num(p.containerPort) ?? 0)) {
        errs.push(fieldErr.invalid(`${path}.containers[${i}].ports[${j}].hostPort`, hostPort, 'must match `containerPort` when `hostNetwork` is true'));
      }
    }));
  }
  const restart = str(spec.restartPolicy);
  if (restart === '') errs.push(fieldErr.required(`${path}.restartPolicy`));
  else if (!RESTART_POLICIES.includes(restart)) errs.push(fieldErr.notSupported(`${path}.restartPolicy`, restart, RESTART_POLICIES));
  const dns = str(spec.dnsPolicy);
  if (dns === '') errs.push(fieldErr.required(`${path}.dnsPolicy`));
  else if (!DNS_POLICIES.includes(dns)) errs.push(fieldErr.notSupported(`${path}.dnsPolicy`, dns, DNS_POLICIES));
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  objs(spec.imagePullSecrets).forEach((s, i) => {
    if (Object.keys(s).some((k) => k !== 'name')) errs.push(fieldErr.invalid(`${path}.imagePullSecrets[${i}]`, s, 'only name may be set'));
  });
  errs.push(...validateDNSConfig(spec, `${path}.dnsConfig`));
  objs(spec.readinessGates).forEach((g, i) => errs.push(...qualifiedName(str(g.conditionType), `${path}.readinessGates[${i}].conditionType`)));
  const gates = new Set<string>();
  objs(spec.schedulingGates).forEach((g, i) => {
    const name = str(g.name);
    errs.push(...qualifiedName(name, `${path}.schedulingGates[${i}]`));
    if (gates.has(name)) errs.push(fieldErr.duplicate(`${path}.schedulingGates[${i}]`, name));
    gates.add(name);
  });
  if (str(spec.serviceAccountName) !== '') errs.push(...subdomainName(str(spec.serviceAccountName), `${path}.serviceAccountName`));
  if (str(spec.nodeName) !== '') errs.push(...subdomainName(str(spec.nodeName), `${path}.nodeName`));
  const deadline = num(spec.activeDeadlineSeconds);
  if (deadline !== undefined && (deadline < 1 || deadline > 2147483647)) errs.push(fieldErr.invalid(`${path}.activeDeadlineSeconds`, deadline, inclusiveRangeError(1, 2147483647)));
  if (str(spec.hostname) !== '') errs.push(...dns1123Label(str(spec.hostname), `${path}.hostname`));
  if (str(spec.subdomain) !== '') errs.push(...dns1123Label(str(spec.subdomain), `${path}.subdomain`));
  errs.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  objs(spec.hostAliases).forEach((a, i) => {
    if (!parseIPFamily(str(a.ip))) errs.push(fieldErr.invalid(`${path}.hostAliases[${i}].ip`, str(a.ip), INVALID_IP));
    strs(a.hostnames).forEach((h, j) => errs.push(...dns1123Subdomain(h, `${path}.hostAliases[${i}].hostnames[${j}]`)));
  });
  if (str(spec.priorityClassName) !== '') errs.push(...subdomainName(str(spec.priorityClassName), `${path}.priorityClassName`));
  if (typeof spec.runtimeClassName === 'string') errs.push(...subdomainName(spec.runtimeClassName, `${path}.runtimeClassName`));
  if (!isNil(spec.preemptionPolicy)) {
    const p = str(spec.preemptionPolicy);
    if (p === '') errs.push(fieldErr.required(`${path}.preemptionPolicy`));
    else if (p !== 'PreemptLowerPriority' && p !== 'Never') errs.push(fieldErr.notSupported(`${path}.preemptionPolicy`, p, ['PreemptLowerPriority', 'Never']));
  }
  if (!isNil(spec.os)) {
    const os = str(obj(spec.os).name);
    if (os === '') errs.push(fieldErr.required(`${path}.os.name`));
    else if (os !== 'linux' && os !== 'windows') errs.push(fieldErr.notSupported(`${path}.os.name`, os, ['linux', 'windows']));
  }
  return errs;
}

/**
 * ValidatePodTemplateSpec plus ValidatePodTemplateSpecForReplicaSet's rules (a workload's pods
 * always restart and have no deadline). `path` is e.g. `spec.template`.
 */
export function validateWorkloadTemplate(template: unknown, path: string): FieldError[] {
  const t = obj(template);
  const meta = obj(t.metadata);
  const spec = obj(t.spec);
  const errs = [...validateLabels(meta.labels, `${path}.labels`), ...validateAnnotations(meta.annotations, `${path}.annotations`)];
  errs.push(...validatePodSpec(spec, `${path}.spec`));
  if (objs(spec.ephemeralContainers).length > 0) errs.push(fieldErr.forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  const restart = str(spec.restartPolicy);
  if (restart !== 'Always') errs.push(fieldErr.notSupported(`${path}.spec.restartPolicy`, restart, ['Always']));
  // Deployments share ReplicaSet's template rules upstream, message included.
  if (!isNil(spec.activeDeadlineSeconds)) errs.push(fieldErr.forbidden(`${path}.spec.activeDeadlineSeconds`, 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  return errs;
}
