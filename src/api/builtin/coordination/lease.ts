/**
 * coordination.k8s.io/v1 Lease, the record leader election renews (skiff's controllers use
 * it for HA). HOLDER is spec.holderIdentity.
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import type { KindDefinition } from '../../kind.ts';
import { builtinKind } from '../util/builtin-kind.ts';
import { isNil, num, obj, str, type Obj } from '../util/obj.ts';
import { age, ageColumn, fieldColumn, nameColumn } from '../util/table.ts';
import { qualifiedName } from '../core/container-validation.ts';

function validateSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const duration = num(spec.leaseDurationSeconds);
  if (duration !== undefined && duration <= 0) errs.push(fieldErr.invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  const transitions = num(spec.leaseTransitions);
  if (transitions !== undefined && transitions < 0) errs.push(fieldErr.invalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
  if (!isNil(spec.strategy)) {
    // A strategy without a '/' must be one Kubernetes defines; others are qualified names.
    const strategy = str(spec.strategy);
    if (!strategy.includes('/')) {
      if (strategy !== 'OldestEmulationVersion') errs.push(fieldErr.notSupported('spec.strategy', strategy, ['OldestEmulationVersion']));
    } else {
      errs.push(...qualifiedName(strategy, 'spec.strategy'));
    }
  }
  if (str(spec.preferredHolder) !== '' && str(spec.strategy) === '') {
    errs.push(fieldErr.forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  }
  return errs;
}

export function leaseKind(): KindDefinition {
  return builtinKind({
    group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', scope: 'Namespaced',
    generation: 'none',
    nameRule: 'dns1123-subdomain',
    createOnUpdate: true,
    table: {
      columns: [nameColumn(), fieldColumn('Holder', 'string', 'io.k8s.api.coordination.v1.LeaseSpec', 'holderIdentity'), ageColumn()],
      row: (l, now) => [l.metadata.name ?? '', str(obj(l.spec).holderIdentity), age(l, now)],
    },
    validate: (l) => validateSpec(obj(l.spec)),
  });
}
