/**
 * Constructors for the API errors Kubernetes returns, with its exact message patterns
 * (apimachinery pkg/api/errors) and the matching Status details.
 */
import type { FieldError } from '../../api/field-error.ts';
import { fieldErrorBody, formatFieldErrors } from '../../api/field-error.ts';
import type { KindDefinition } from '../../api/kind.ts';
import { qualifiedResource } from '../../api/kind.ts';
import { SkiffError } from '../../errors/skiff-error.ts';

type ResourceName = Pick<KindDefinition, 'plural' | 'group'>;

function details(def: ResourceName, name: string | undefined, extra?: object): Record<string, unknown> {
  return { status: { ...(name !== undefined ? { name } : {}), group: def.group, kind: def.plural, ...extra } };
}

export function notFound(def: ResourceName, name: string): SkiffError {
  return new SkiffError('SKF_API_NOT_FOUND', `${qualifiedResource(def)} "${name}" not found`, { details: details(def, name) });
}

export function namespaceNotFound(namespace: string): SkiffError {
  return new SkiffError('SKF_API_NOT_FOUND', `namespaces "${namespace}" not found`, { details: { status: { name: namespace, kind: 'namespaces' } } });
}

export function alreadyExists(def: ResourceName, name: string): SkiffError {
  return new SkiffError('SKF_API_ALREADY_EXISTS', `${qualifiedResource(def)} "${name}" already exists`, { details: details(def, name) });
}

export function conflict(def: ResourceName, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): SkiffError {
  return new SkiffError('SKF_API_CONFLICT', `Operation cannot be fulfilled on ${qualifiedResource(def)} "${name}": ${why}`, { details: details(def, name) });
}

/** 422 Invalid: `<Kind>.<group> "<name>" is invalid: <errors>` with one cause per field error. */
export function invalid(def: Pick<KindDefinition, 'kind' | 'group'>, name: string, errors: readonly FieldError[]): SkiffError {
  const qualifiedKind = def.group === '' ? def.kind : `${def.kind}.${def.group}`;
  const causes = errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  return new SkiffError('SKF_API_INVALID', `${qualifiedKind} "${name}" is invalid: ${formatFieldErrors(errors)}`, {
    details: { status: { name, group: def.group, kind: def.kind, causes } },
  });
}

export function badRequest(message: string): SkiffError {
  return new SkiffError('SKF_API_BAD_REQUEST', message);
}

export function gone(message: string): SkiffError {
  return new SkiffError('SKF_API_GONE', message);
}

/**
 * A continue token whose snapshot was compacted (etcd3 store handleCompactedErrorForPaging):
 * 410 Expired, with a token in the Status's list metadata that continues at the latest
 * revision for clients that accept an inconsistent list.
 */
export function continueExpired(inconsistentContinue: string): SkiffError {
  return new SkiffError('SKF_API_GONE', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.', {
    details: { listMeta: { continue: inconsistentContinue } },
  });
}

/**
 * The NamespaceLifecycle admission plugin's refusal (admission.NewForbidden): it names the
 * resource and the object as sent, then adds the NamespaceTerminating cause.
 */
export function namespaceTerminating(def: ResourceName, name: string, namespace: string): SkiffError {
  return new SkiffError('SKF_API_FORBIDDEN', `${qualifiedResource(def)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
    details: details(def, name, { causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }] }),
  });
}

export function methodNotAllowed(verb: string, def: ResourceName): SkiffError {
  return new SkiffError('SKF_API_METHOD_NOT_ALLOWED', `the server does not allow this method on the requested resource (${verb} ${qualifiedResource(def)})`);
}
