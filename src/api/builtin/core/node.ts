/**
 * core/v1 Node: cluster-scoped. STATUS comes from the Ready condition (plus
 * SchedulingDisabled when cordoned), ROLES from `node-role.kubernetes.io/<role>` labels.
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import type { KindDefinition, TablePrinter } from '../../kind.ts';
import type { KubeObject } from '../../object.ts';
import { builtinKind } from '../util/builtin-kind.ts';
import { validateLabelName } from '../util/labels.ts';
import { isValidLabelValue, parseCIDR, INVALID_CIDR } from '../util/names.ts';
import { ensureObj, isObj, obj, objs, str, strs } from '../util/obj.ts';
import { age, ageColumn, column, fieldColumn, nameColumn } from '../util/table.ts';
import { goStringSlice } from '../util/go-values.ts';

const INFO = 'io.k8s.api.core.v1.NodeSystemInfo';
const STATUS = 'io.k8s.api.core.v1.NodeStatus';
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function nodeStatus(node: KubeObject): string {
  const ready = objs(obj(node.status).conditions).find((c) => str(c.type) === 'Ready');
  const parts = [ready ? (str(ready.status) === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (obj(node.spec).unschedulable === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function roles(node: KubeObject): string {
  const set = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) set.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') {
      set.add(v);
    }
  }
  return set.size ? [...set].sort().join(',') : '<none>';
}

function address(node: KubeObject, type: string): string {
  return str(objs(obj(node.status).addresses).find((a) => str(a.type) === type)?.address) || '<none>';
}

export function nodeTable(): TablePrinter {
  return {
    columns: [
      nameColumn(),
      column('Status', 'string', 'The status of the node'),
      column('Roles', 'string', 'The roles of the node'),
      ageColumn(),
      fieldColumn('Version', 'string', INFO, 'kubeletVersion'),
      fieldColumn('Internal-IP', 'string', STATUS, 'addresses', 1),
      fieldColumn('External-IP', 'string', STATUS, 'addresses', 1),
      fieldColumn('OS-Image', 'string', INFO, 'osImage', 1),
      fieldColumn('Kernel-Version', 'string', INFO, 'kernelVersion', 1),
      fieldColumn('Container-Runtime', 'string', INFO, 'containerRuntimeVersion', 1),
    ],
    row(node, now) {
      const info = obj(obj(node.status).nodeInfo);
      return [
        node.metadata.name ?? '', nodeStatus(node), roles(node), age(node, now), str(info.kubeletVersion),
        address(node, 'InternalIP'), address(node, 'ExternalIP'),
        str(info.osImage) || '<unknown>', str(info.kernelVersion) || '<unknown>', str(info.containerRuntimeVersion) || '<unknown>',
      ];
    },
  };
}

/** validateNodeTaints: qualified keys, label-like values, a known effect, unique (key, effect). */
function validateTaints(taints: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  objs(taints).forEach((t, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateLabelName(str(t.key), `${at}.key`));
    const msgs = isValidLabelValue(str(t.value));
    if (msgs.length) errs.push(fieldErr.invalid(`${at}.value`, str(t.value), msgs.join(';')));
    const effect = str(t.effect);
    if (effect === '') errs.push(fieldErr.required(`${at}.effect`));
    else if (!EFFECTS.includes(effect)) errs.push(fieldErr.notSupported(`${at}.effect`, effect, EFFECTS));
    const key = `${effect}\u0000${str(t.key)}`;
    if (seen.has(key)) errs.push({ ...fieldErr.duplicate(at, t), detail: 'taints must be unique by key and effect pair' });
    else seen.add(key);
  });
  return errs;
}

function validateNode(node: KubeObject, old: KubeObject | undefined): FieldError[] {
  const spec = obj(node.spec);
  // Upstream reports taint problems under metadata.taints (fldPath is the metadata path there).
  const errs = validateTaints(spec.taints, 'metadata.taints');
  const cidrs = strs(spec.podCIDRs);
  cidrs.forEach((c, i) => {
    if (!parseCIDR(c)) errs.push(fieldErr.invalid(`spec.podCIDRs[${i}]`, c, INVALID_CIDR));
  });
  if (cidrs.length > 1 && (cidrs.length > 2 || parseCIDR(cidrs[0]!)?.family === parseCIDR(cidrs[1]!)?.family)) {
    errs.push(fieldErr.invalid('spec.podCIDRs', goStringSlice(cidrs), 'may specify no more than one CIDR for each IP family'));
  }
  if (old) {
    const oldSpec = obj(old.spec);
    const oldCidrs = strs(oldSpec.podCIDRs);
    if (oldCidrs.length > 0 && (oldCidrs.length !== cidrs.length || oldCidrs.some((c, i) => c !== cidrs[i]))) {
      errs.push(fieldErr.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
    }
    if (str(oldSpec.providerID) !== '' && str(oldSpec.providerID) !== str(spec.providerID)) {
      errs.push(fieldErr.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
    }
  }
  return errs;
}

export function nodeKind(): KindDefinition {
  return builtinKind({
    group: '', version: 'v1', kind: 'Node', plural: 'nodes', scope: 'Cluster',
    shortNames: ['no'],
    subresources: { status: true, others: ['proxy'] },
    generation: 'none',
    nameRule: 'dns1123-subdomain',
    table: nodeTable(),
    defaults(node) {
      // SetDefaults_NodeStatus: allocatable follows capacity until the kubelet reports it.
      if (!isObj(node.status)) return;
      const status = ensureObj(node, 'status');
      if (!isObj(status.allocatable) && isObj(status.capacity)) status.allocatable = { ...status.capacity };
    },
    validate: (node, ctx) => validateNode(node, ctx.old),
    fieldSelectors: {
      'spec.unschedulable': (n) => String(obj(n.spec).unschedulable === true),
    },
  });
}
