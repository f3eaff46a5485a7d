/**
 * AuthorizationPolicy (security.istio.io): the rules of istiod's
 * ValidateAuthorizationPolicy that users meet. The `action` enum (ALLOW, DENY, AUDIT,
 * CUSTOM) is in the CRD schema; the CUSTOM/provider pairing is only checked here.
 */
import { fieldErr } from '../../field-error.ts';
import type { KindDefinition } from '../../kind.ts';
import type { KubeObject } from '../../object.ts';
import { asArray, asRecord, asString, specOf, stringList } from '../fields.ts';
import type { Fields } from '../fields.ts';
import { emptyFindings } from '../findings.ts';
import type { Findings } from '../findings.ts';
import { MESH_SCHEMAS } from '../schemas/index.ts';
import { validateSelectorLabels } from './common-rules.ts';
import { SECURITY_GROUP, istioKind } from './istio-kind.ts';

const NEVER_TRIGGERED = 'without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request';
const SOURCE_FIELDS = ['principals', 'requestPrincipals', 'namespaces', 'ipBlocks', 'remoteIpBlocks', 'notPrincipals', 'notRequestPrincipals', 'notNamespaces', 'notIpBlocks', 'notRemoteIpBlocks'];
const OPERATION_FIELDS = ['ports', 'methods', 'paths', 'hosts', 'notPorts', 'notMethods', 'notPaths', 'notHosts'];
const CUSTOM_UNSUPPORTED_SOURCES = ['namespaces', 'notNamespaces', 'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals'];

function checkRule(path: string, rule: Fields, action: string, found: Findings): void {
  if (Array.isArray(rule.from) && rule.from.length === 0) found.errors.push(fieldErr.required(`${path}.from`, '`from` must not be empty'));
  asArray(rule.from).forEach((f, j) => {
    const source = asRecord(asRecord(f)?.source);
    if (!source) { found.errors.push(fieldErr.required(`${path}.from[${j}].source`, '`from.source` must not be nil')); return; }
    if (SOURCE_FIELDS.every((k) => asArray(source[k]).length === 0)) found.errors.push(fieldErr.required(`${path}.from[${j}].source`, '`from.source` must not be empty'));
    if (action === 'CUSTOM') {
      for (const k of CUSTOM_UNSUPPORTED_SOURCES) {
        if (asArray(source[k]).length > 0) found.errors.push(fieldErr.forbidden(`${path}.from[${j}].source.${k}`, `From.${k[0]!.toUpperCase()}${k.slice(1)} is currently not supported with CUSTOM action`));
      }
    }
  });
  if (Array.isArray(rule.to) && rule.to.length === 0) found.errors.push(fieldErr.required(`${path}.to`, '`to` must not be empty'));
  asArray(rule.to).forEach((t, j) => {
    const operation = asRecord(asRecord(t)?.operation);
    if (!operation) { found.errors.push(fieldErr.required(`${path}.to[${j}].operation`, '`to.operation` must not be nil')); return; }
    if (OPERATION_FIELDS.every((k) => asArray(operation[k]).length === 0)) found.errors.push(fieldErr.required(`${path}.to[${j}].operation`, '`to.operation` must not be empty'));
  });
  asArray(rule.when).forEach((w, j) => {
    const condition = asRecord(w) ?? {};
    const key = asString(condition.key) ?? '';
    if (key === '') { found.errors.push(fieldErr.required(`${path}.when[${j}].key`, '`key` must not be empty')); return; }
    if (stringList(condition.values).length === 0 && stringList(condition.notValues).length === 0) {
      found.errors.push(fieldErr.required(`${path}.when[${j}].values`, `at least one of \`values\` or \`notValues\` must be set for key ${key}`));
    }
    if (action === 'CUSTOM' && (key === 'source.namespace' || key === 'source.principal' || key.startsWith('request.auth.'))) {
      found.errors.push(fieldErr.forbidden(`${path}.when[${j}].key`, `${key} is currently not supported with CUSTOM action`));
    }
  });
}

export function checkAuthorizationPolicy(obj: KubeObject): Findings {
  const found = emptyFindings();
  const spec = specOf(obj);
  const action = asString(spec.action) ?? 'ALLOW';
  const selector = asRecord(spec.selector);
  if (selector) {
    found.errors.push(...validateSelectorLabels('spec.selector.matchLabels', selector.matchLabels));
    if (Object.keys(asRecord(selector.matchLabels) ?? {}).length === 0) found.warnings.push('workload selector specified without labels');
  }
  const provider = asRecord(spec.provider);
  const hasRules = spec.rules !== undefined && spec.rules !== null;
  if (action === 'CUSTOM') {
    if (!hasRules) found.errors.push(fieldErr.required('spec.rules', `CUSTOM action ${NEVER_TRIGGERED}`));
    else if (!asString(provider?.name)) found.errors.push(fieldErr.required('spec.provider.name', '`provider.name` must not be empty'));
  } else if (provider) {
    found.errors.push(fieldErr.forbidden('spec.provider', `\`provider\` must not be with non CUSTOM action, found ${action}`));
  }
  if (action === 'DENY' && !hasRules) found.errors.push(fieldErr.required('spec.rules', `DENY action ${NEVER_TRIGGERED}`));
  asArray(spec.rules).forEach((r, i) => {
    const rule = asRecord(r);
    if (!rule) found.errors.push(fieldErr.required(`spec.rules[${i}]`, `\`rule\` must not be nil, found at rule ${i}`));
    else checkRule(`spec.rules[${i}]`, rule, action, found);
  });
  return found;
}

export function authorizationPolicyKind(): KindDefinition {
  return istioKind({
    group: SECURITY_GROUP,
    kind: 'AuthorizationPolicy',
    plural: 'authorizationpolicies',
    schemas: MESH_SCHEMAS.authorizationPolicy,
    storage: 'v1beta1',
    validate: (obj) => checkAuthorizationPolicy(obj).errors,
    warnings: (obj) => checkAuthorizationPolicy(obj).warnings,
  });
}
