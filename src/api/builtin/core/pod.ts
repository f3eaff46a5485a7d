/**
 * core/v1 Pod. On create the status is reset to the Pending phase and the pod's QoS class
 * (the pod strategy's PrepareForCreate); pod specs may change only in the ways
 * pod-update-validation.ts allows.
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import type { KindDefinition, ValidationContext } from '../../kind.ts';
import type { KubeObject } from '../../object.ts';
import { isDNS1123Subdomain, parseIPFamily, INVALID_IP } from '../util/names.ts';
import { builtinKind } from '../util/builtin-kind.ts';
import { obj, objs, str } from '../util/obj.ts';
import { qualifiedName } from './container-validation.ts';
import { defaultPod } from './pod-spec-defaults.ts';
import { validatePodSpec } from './pod-spec-validation.ts';
import { podQOSClass } from './pod-qos.ts';
import { podTable } from './pod-table.ts';
import { validatePodUpdate } from './pod-update-validation.ts';

function defaults(pod: KubeObject, ctx?: ValidationContext): void {
  defaultPod(pod);
  // The pod strategy's PrepareForCreate: a new pod is Pending, with its QoS class recorded.
  if (!ctx || ctx.operation === 'create') pod.status = { phase: 'Pending', qosClass: podQOSClass(pod.spec) };
}

/** validatePodMetadataAndSpec minus ObjectMeta (the API server checks metadata for every kind). */
function validateMetadataAndSpec(pod: KubeObject): FieldError[] {
  const spec = obj(pod.spec);
  const errs = validatePodSpec(spec, 'spec');
  if (str(spec.serviceAccountName) === '') {
    objs(spec.volumes).forEach((v, i) => objs(obj(v.projected).sources).forEach((s, j) => {
      if (s.serviceAccountToken !== undefined && s.serviceAccountToken !== null) {
        errs.push(fieldErr.forbidden(`spec.volumes[${i}].projected.sources[${j}].serviceAccountToken`, 'must not be specified when serviceAccountName is not set'));
      }
    }));
  }
  for (const list of ['containers', 'initContainers'] as const) {
    objs(spec[list]).forEach((c, i) => {
      const image = str(c.image);
      if (image.trim() !== image) errs.push(fieldErr.invalid(`spec.${list}[${i}].image`, image, 'must not have leading or trailing whitespace'));
    });
  }
  return errs;
}

function validateStatus(pod: KubeObject, old: KubeObject | undefined): FieldError[] {
  const status = obj(pod.status);
  const errs: FieldError[] = [];
  if (old && str(obj(pod.spec).nodeName) !== str(obj(old.spec).nodeName)) errs.push(fieldErr.forbidden('status.nodeName', 'may not be changed directly'));
  const nominated = str(status.nominatedNodeName);
  if (nominated !== '' && nominated !== str(obj(old?.status).nominatedNodeName)) {
    errs.push(...isDNS1123Subdomain(nominated).map((m) => fieldErr.invalid('status.nominatedNodeName', nominated, m)));
  }
  objs(status.conditions).forEach((c, i) => {
    const type = str(c.type);
    if (!['PodScheduled', 'Ready', 'Initialized'].includes(type)) errs.push(...qualifiedName(type, `status.conditions[${i}].Type`));
  });
  const ips = objs(status.podIPs).map((p) => str(p.ip));
  ips.forEach((ip, i) => {
    if (!parseIPFamily(ip)) errs.push(fieldErr.invalid(`status.podIPs[${i}]`, ip, INVALID_IP));
  });
  if (ips.length > 1 && (ips.length > 2 || parseIPFamily(ips[0]!) === parseIPFamily(ips[1]!))) {
    errs.push(fieldErr.invalid('status.podIPs', status.podIPs, 'may specify no more than one IP for each IP family'));
  }
  return errs;
}

export function podKind(): KindDefinition {
  return builtinKind({
    group: '', version: 'v1', kind: 'Pod', plural: 'pods', scope: 'Namespaced',
    shortNames: ['po'], categories: ['all'],
    subresources: { status: true, others: ['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'proxy'] },
    generation: 'none',
    nameRule: 'dns1123-subdomain',
    table: podTable(),
    defaults,
    validate(pod, ctx) {
      if (ctx.operation === 'status') return validateStatus(pod, ctx.old);
      const errs = validateMetadataAndSpec(pod);
      if (ctx.operation === 'create') {
        const spec = obj(pod.spec);
        if (objs(spec.ephemeralContainers).length > 0) errs.push(fieldErr.forbidden('spec.ephemeralContainers', 'cannot be set on create'));
        if (str(spec.nodeName) !== '' && objs(spec.schedulingGates).length > 0) errs.push(fieldErr.forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
      } else if (ctx.old) {
        errs.push(...validatePodUpdate(pod, ctx.old));
      }
      return errs;
    },
    fieldSelectors: {
      'spec.nodeName': (p) => str(obj(p.spec).nodeName),
      'spec.restartPolicy': (p) => str(obj(p.spec).restartPolicy),
      'spec.schedulerName': (p) => str(obj(p.spec).schedulerName),
      'spec.serviceAccountName': (p) => str(obj(p.spec).serviceAccountName),
      'spec.hostNetwork': (p) => String(obj(p.spec).hostNetwork === true),
      'status.phase': (p) => str(obj(p.status).phase),
      // The pod's first IP, as podIP: status.podIPs[0].ip.
      'status.podIP': (p) => str(objs(obj(p.status).podIPs)[0]?.ip) || str(obj(p.status).podIP),
      'status.nominatedNodeName': (p) => str(obj(p.status).nominatedNodeName),
    },
  });
}

