/**
 * The parts of rbac.authorization.k8s.io/v1 the four kinds share, as
 * pkg/apis/rbac/validation/validation.go checks them: policy rules (Role, ClusterRole) and
 * the role reference and subjects of bindings (RoleBinding, ClusterRoleBinding), with the
 * decoder's SetDefaults_RoleBinding / SetDefaults_Subject defaults.
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import { isDns1123Subdomain, isValidPathSegmentName } from '../../meta/names.ts';
import type { KubeObject } from '../../object.ts';
import { GoText, goQuote } from '../../schema/go-format.ts';
import { goStringSlice } from '../util/go-values.ts';
import { eachObj, ensureObj, obj, objs, str, strs, type Obj } from '../util/obj.ts';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** ValidatePolicyRule: verbs always; either non-resource URLs (cluster roles only) or API groups and resources. */
export function validatePolicyRule(rule: Obj, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (strs(rule.verbs).length === 0) errs.push(fieldErr.required(`${path}.verbs`, 'verbs must contain at least one value'));
  const urls = strs(rule.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced) errs.push(fieldErr.invalid(`${path}.nonResourceURLs`, goStringSlice(urls), 'namespaced rules cannot apply to non-resource URLs'));
    if (strs(rule.apiGroups).length > 0 || strs(rule.resources).length > 0 || strs(rule.resourceNames).length > 0) {
      errs.push(fieldErr.invalid(`${path}.nonResourceURLs`, goStringSlice(urls), 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (strs(rule.apiGroups).length === 0) errs.push(fieldErr.required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (strs(rule.resources).length === 0) errs.push(fieldErr.required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

export function validateRules(role: KubeObject, namespaced: boolean): FieldError[] {
  return objs(role.rules).flatMap((rule, i) => validatePolicyRule(rule, namespaced, `rules[${i}]`));
}

/**
 * SetDefaults_RoleBinding/ClusterRoleBinding and SetDefaults_Subject: users and groups are
 * RBAC's. roleRef is a struct, never absent in Go: a binding without one gets its API group.
 */
export function defaultBinding(binding: KubeObject): void {
  const ref = ensureObj(binding, 'roleRef');
  if (str(ref.apiGroup) === '') ref.apiGroup = RBAC_GROUP;
  eachObj(binding.subjects, (s) => {
    if (str(s.apiGroup) === '' && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = RBAC_GROUP;
  });
}

/** ValidateRoleBinding / ValidateClusterRoleBinding, without the object meta. */
export function validateBinding(binding: KubeObject, roleKinds: readonly string[], old?: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const ref = obj(binding.roleRef);
  if (str(ref.apiGroup) !== RBAC_GROUP) errs.push(fieldErr.notSupported('roleRef.apiGroup', str(ref.apiGroup), [RBAC_GROUP]));
  if (!roleKinds.includes(str(ref.kind))) errs.push(fieldErr.notSupported('roleRef.kind', str(ref.kind), roleKinds));
  const name = str(ref.name);
  if (name === '') errs.push(fieldErr.required('roleRef.name'));
  else errs.push(...isValidPathSegmentName(name).map((m) => fieldErr.invalid('roleRef.name', name, m)));
  const namespaced = roleKinds.includes('Role');
  objs(binding.subjects).forEach((s, i) => errs.push(...validateSubject(s, namespaced, `subjects[${i}]`)));
  if (old !== undefined && !sameRoleRef(ref, obj(old.roleRef))) errs.push(fieldErr.invalid('roleRef', goRoleRef(ref), 'cannot change roleRef'));
  return errs;
}

function validateSubject(subject: Obj, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(subject.name);
  const apiGroup = str(subject.apiGroup);
  if (name === '') errs.push(fieldErr.required(`${path}.name`));
  switch (subject.kind) {
    case 'ServiceAccount':
      if (name !== '') errs.push(...isDns1123Subdomain(name).map((m) => fieldErr.invalid(`${path}.name`, name, m)));
      if (apiGroup !== '') errs.push(fieldErr.notSupported(`${path}.apiGroup`, apiGroup, ['']));
      if (!namespaced && str(subject.namespace) === '') errs.push(fieldErr.required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) errs.push(fieldErr.notSupported(`${path}.apiGroup`, apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(fieldErr.notSupported(`${path}.kind`, str(subject.kind), ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function sameRoleRef(a: Obj, b: Obj): boolean {
  return str(a.apiGroup) === str(b.apiGroup) && str(a.kind) === str(b.kind) && str(a.name) === str(b.name);
}

/** `%#v` of the internal rbac.RoleRef, as the "cannot change roleRef" message prints it. */
function goRoleRef(ref: Obj): GoText {
  return new GoText(`rbac.RoleRef{APIGroup:${goQuote(str(ref.apiGroup))}, Kind:${goQuote(str(ref.kind))}, Name:${goQuote(str(ref.name))}}`);
}

/** SubjectsStrings: users, groups and `namespace/name` of service accounts, for the wide table. */
export function subjectsStrings(subjects: unknown): { users: string[]; groups: string[]; serviceAccounts: string[] } {
  const out = { users: [] as string[], groups: [] as string[], serviceAccounts: [] as string[] };
  for (const s of objs(subjects)) {
    if (s.kind === 'ServiceAccount') out.serviceAccounts.push(`${str(s.namespace)}/${str(s.name)}`);
    else if (s.kind === 'User') out.users.push(str(s.name));
    else if (s.kind === 'Group') out.groups.push(str(s.name));
  }
  return out;
}
