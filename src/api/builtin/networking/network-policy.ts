/**
 * networking.k8s.io/v1 NetworkPolicy: policyTypes defaulted from the rules present
 * (Ingress always, Egress when egress rules exist), ports default to TCP, peers and ports
 * validated as networking validation.go does. Generation follows spec changes.
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import type { KindDefinition } from '../../kind.ts';
import { builtinKind } from '../util/builtin-kind.ts';
import { formatLabelSelector, validateLabelSelector } from '../util/labels.ts';
import { cidrContains, isValidPortName, isValidPortNum, parseCIDR, INVALID_CIDR } from '../util/names.ts';
import { arr, eachObj, ensureObj, isNil, isObj, num, obj, objs, str, strs, type Obj } from '../util/obj.ts';
import { age, ageColumn, fieldColumn, nameColumn } from '../util/table.ts';
import { goStringSlice } from '../util/go-values.ts';

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

function defaults(np: Obj): void {
  const spec = ensureObj(np, 'spec');
  const ports = (rules: unknown): void => eachObj(rules, (r) => eachObj(r.ports, (p) => {
    if (isNil(p.protocol)) p.protocol = 'TCP';
  }));
  ports(spec.ingress);
  ports(spec.egress);
  if (arr(spec.policyTypes).length === 0) {
    spec.policyTypes = arr(spec.egress).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

function validatePort(p: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isNil(p.protocol) && !PROTOCOLS.includes(str(p.protocol))) errs.push(fieldErr.notSupported(`${path}.protocol`, p.protocol, PROTOCOLS));
  const endPort = num(p.endPort);
  if (typeof p.port === 'number') {
    errs.push(...isValidPortNum(p.port).map((m) => fieldErr.invalid(`${path}.port`, p.port, m)));
    if (endPort !== undefined) {
      if (endPort < p.port) errs.push(fieldErr.invalid(`${path}.endPort`, p.port, 'must be greater than or equal to `port`'));
      errs.push(...isValidPortNum(endPort).map((m) => fieldErr.invalid(`${path}.endPort`, endPort, m)));
    }
  } else if (typeof p.port === 'string') {
    if (endPort !== undefined) errs.push(fieldErr.invalid(`${path}.endPort`, endPort, 'may not be specified when `port` is non-numeric'));
    errs.push(...isValidPortName(p.port).map((m) => fieldErr.invalid(`${path}.port`, p.port, m)));
  } else if (endPort !== undefined) {
    errs.push(fieldErr.invalid(`${path}.endPort`, endPort, 'may not be specified when `port` is not specified'));
  }
  return errs;
}

function validateIPBlock(block: Obj, path: string): FieldError[] {
  const cidrText = str(block.cidr);
  if (cidrText === '') return [fieldErr.required(`${path}.cidr`)];
  const cidr = parseCIDR(cidrText);
  if (!cidr) return [fieldErr.invalid(`${path}.cidr`, cidrText, INVALID_CIDR)];
  const errs: FieldError[] = [];
  strs(block.except).forEach((e, i) => {
    const except = parseCIDR(e);
    if (!except) errs.push(fieldErr.invalid(`${path}.except[${i}]`, e, INVALID_CIDR));
    else if (!cidrContains(cidr, except) || cidr.bits >= except.bits) errs.push(fieldErr.invalid(`${path}.except[${i}]`, e, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

function validatePeer(peer: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let peers = 0;
  for (const key of ['podSelector', 'namespaceSelector'] as const) {
    if (!isObj(peer[key])) continue;
    peers++;
    errs.push(...validateLabelSelector(peer[key], `${path}.${key}`));
  }
  if (isObj(peer.ipBlock)) {
    peers++;
    errs.push(...validateIPBlock(peer.ipBlock, `${path}.ipBlock`));
  }
  if (peers === 0) errs.push(fieldErr.required(path, 'must specify a peer'));
  else if (peers > 1 && isObj(peer.ipBlock)) errs.push(fieldErr.forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

function validateSpec(spec: Obj): FieldError[] {
  const errs = validateLabelSelector(obj(spec.podSelector), 'spec.podSelector');
  for (const [list, peersKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
    objs(spec[list]).forEach((rule, i) => {
      const at = `spec.${list}[${i}]`;
      objs(rule.ports).forEach((p, j) => errs.push(...validatePort(p, `${at}.ports[${j}]`)));
      objs(rule[peersKey]).forEach((peer, j) => errs.push(...validatePeer(peer, `${at}.${peersKey}[${j}]`)));
    });
  }
  const types = strs(spec.policyTypes);
  if (types.length > 2) return [...errs, fieldErr.invalid('spec.policyTypes', goStringSlice(types), 'may not specify more than two policyTypes')];
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') errs.push(fieldErr.notSupported(`spec.policyTypes[${i}]`, t, ['Ingress', 'Egress']));
  });
  return errs;
}

export function networkPolicyKind(): KindDefinition {
  return builtinKind({
    group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', plural: 'networkpolicies', scope: 'Namespaced',
    shortNames: ['netpol'],
    generation: 'spec',
    nameRule: 'dns1123-subdomain',
    table: {
      columns: [nameColumn(), fieldColumn('Pod-Selector', 'string', 'io.k8s.api.networking.v1.NetworkPolicySpec', 'podSelector'), ageColumn()],
      row: (np, now) => [np.metadata.name ?? '', formatLabelSelector(obj(obj(np.spec).podSelector)), age(np, now)],
    },
    defaults,
    validate: (np) => validateSpec(obj(np.spec)),
  });
}
