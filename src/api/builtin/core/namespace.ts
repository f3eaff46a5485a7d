/**
 * core/v1 Namespace: cluster-scoped, DNS-1123 label names, the `kubernetes` finalizer and
 * the `kubernetes.io/metadata.name` label defaulted, phase Active until deletion.
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import type { KindDefinition } from '../../kind.ts';
import { builtinKind } from '../util/builtin-kind.ts';
import { ensureObj, isEmptyStr, obj, str, strs } from '../util/obj.ts';
import { validateFinalizerName } from '../../meta/validate-meta.ts';
import { age, ageColumn, column, nameColumn } from '../util/table.ts';

/** Finalizer names without a '/' must be one of the standard ones (validateKubeFinalizerName). */
const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];

/** Namespace spec finalizers: qualified names, and a bare name must be a standard one. */
export function validateSpecFinalizer(name: string, path: string): FieldError[] {
  const errs = validateFinalizerName(name, path);
  if (!name.includes('/') && !STANDARD_FINALIZERS.includes(name)) {
    errs.push(fieldErr.invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errs;
}

export function namespaceKind(): KindDefinition {
  return builtinKind({
    group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', scope: 'Cluster',
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: { status: true, others: ['finalize'] },
    generation: 'none',
    nameRule: 'dns1123-label',
    table: {
      columns: [nameColumn(), column('Status', 'string', 'The status of the namespace'), ageColumn()],
      row: (ns, now) => [ns.metadata.name ?? '', str(obj(ns.status).phase), age(ns, now)],
    },
    defaults(ns, ctx) {
      // SetDefaults_Namespace: every named namespace carries its name as a label (KEP-2161).
      if (ns.metadata.name) ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name };
      // The strategy's PrepareForCreate adds the `kubernetes` finalizer (content cleanup) on
      // create only: the namespace controller removes it once the namespace is empty.
      if (!ctx || ctx.operation === 'create') {
        const spec = ensureObj(ns, 'spec');
        const finalizers = strs(spec.finalizers);
        if (!finalizers.includes('kubernetes')) spec.finalizers = [...finalizers, 'kubernetes'];
      }
      const status = ensureObj(ns, 'status');
      if (isEmptyStr(status.phase)) status.phase = 'Active';
    },
    validate(ns, ctx) {
      const errs: FieldError[] = [];
      if (ctx.operation === 'status') {
        const phase = str(obj(ns.status).phase);
        if (!ns.metadata.deletionTimestamp && phase !== 'Active') errs.push(fieldErr.invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty"));
        if (ns.metadata.deletionTimestamp && phase !== 'Terminating') errs.push(fieldErr.invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
        return errs;
      }
      strs(obj(ns.spec).finalizers).forEach((f) => errs.push(...validateSpecFinalizer(f, 'spec.finalizers')));
      return errs;
    },
    fieldSelectors: {
      'status.phase': (ns) => str(obj(ns.status).phase),
    },
  });
}
