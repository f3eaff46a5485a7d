/**
 * apps/v1 Deployment: defaults (1 replica, RollingUpdate 25%/25%, 10 revisions, 600s
 * progress deadline), validation of strategy and selector, the READY/UP-TO-DATE/AVAILABLE
 * table. Generation follows spec changes; `/scale` reads and writes spec.replicas.
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import type { KindDefinition, TablePrinter } from '../../kind.ts';
import { nonNegative } from '../core/container-validation.ts';
import { labelSelectorString } from '../util/labels.ts';
import { isValidPercent } from '../util/names.ts';
import { builtinKind } from '../util/builtin-kind.ts';
import { ensureObj, isEmptyStr, isNil, isObj, num, obj, type Obj } from '../util/obj.ts';
import { age, ageColumn, column, containerCells, CONTAINERS_COLUMN, fieldColumn, IMAGES_COLUMN, nameColumn } from '../util/table.ts';
import { defaultWorkload, selectorImmutable, validateReplicaCounts, validateSelectorAndTemplate } from './workload.ts';

const STATUS = 'io.k8s.api.apps.v1.DeploymentStatus';

function defaults(d: Obj): void {
  const spec = defaultWorkload(d);
  const strategy = ensureObj(spec, 'strategy');
  if (isEmptyStr(strategy.type)) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const rolling = ensureObj(strategy, 'rollingUpdate');
    if (isNil(rolling.maxUnavailable)) rolling.maxUnavailable = '25%';
    if (isNil(rolling.maxSurge)) rolling.maxSurge = '25%';
  }
  if (isNil(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  if (isNil(spec.progressDeadlineSeconds)) spec.progressDeadlineSeconds = 600;
}

/** getIntOrPercentValue: the number of an int, or of a percent string. */
function intOrPercentValue(v: unknown): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(String(v ?? ''));
  return m ? Number(m[1]) : 0;
}

function positiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => fieldErr.invalid(path, v, m));
  if (typeof v === 'number') return nonNegative(v, path);
  return [fieldErr.invalid(path, v ?? null, "must be an integer or percentage (e.g '5%')")];
}

function validateStrategy(strategy: Obj): FieldError[] {
  const type = String(strategy.type ?? '');
  if (type === 'Recreate') {
    return isNil(strategy.rollingUpdate) ? [] : [fieldErr.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'")];
  }
  if (type !== 'RollingUpdate') return [fieldErr.notSupported('spec.strategy', strategy, ['Recreate', 'RollingUpdate'])];
  if (!isObj(strategy.rollingUpdate)) return [fieldErr.required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil')];
  const ru = strategy.rollingUpdate;
  const path = 'spec.strategy.rollingUpdate';
  const errs = [...positiveIntOrPercent(ru.maxUnavailable, `${path}.maxUnavailable`), ...positiveIntOrPercent(ru.maxSurge, `${path}.maxSurge`)];
  if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
    errs.push(fieldErr.invalid(`${path}.maxUnavailable`, ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  }
  if (typeof ru.maxUnavailable === 'string' && intOrPercentValue(ru.maxUnavailable) > 100) {
    errs.push(fieldErr.invalid(`${path}.maxUnavailable`, ru.maxUnavailable, 'must not be greater than 100%'));
  }
  return errs;
}

function validateSpec(spec: Obj): FieldError[] {
  const errs = [...nonNegative(spec.replicas, 'spec.replicas'), ...validateSelectorAndTemplate(spec)];
  errs.push(...validateStrategy(obj(spec.strategy)));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  if (!isNil(spec.revisionHistoryLimit)) errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const deadline = num(spec.progressDeadlineSeconds);
  if (deadline !== undefined) {
    errs.push(...nonNegative(deadline, 'spec.progressDeadlineSeconds'));
    if (deadline <= (num(spec.minReadySeconds) ?? 0)) errs.push(fieldErr.invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
  }
  return errs;
}

export function deploymentTable(): TablePrinter {
  return {
    columns: [
      nameColumn(),
      column('Ready', 'string', 'Number of the pod with ready state'),
      fieldColumn('Up-to-date', 'string', STATUS, 'updatedReplicas'),
      fieldColumn('Available', 'string', STATUS, 'availableReplicas'),
      ageColumn(),
      column('Containers', 'string', CONTAINERS_COLUMN, 1),
      column('Images', 'string', IMAGES_COLUMN, 1),
      fieldColumn('Selector', 'string', 'io.k8s.api.apps.v1.DeploymentSpec', 'selector', 1),
    ],
    row(d, now) {
      const spec = obj(d.spec);
      const status = obj(d.status);
      const [names, images] = containerCells(obj(obj(spec.template).spec).containers);
      return [
        d.metadata.name ?? '', `${num(status.readyReplicas) ?? 0}/${num(spec.replicas) ?? 0}`, num(status.updatedReplicas) ?? 0, num(status.availableReplicas) ?? 0,
        age(d, now), names, images, labelSelectorString(spec.selector) ?? '<invalid>',
      ];
    },
  };
}

export function deploymentKind(): KindDefinition {
  return builtinKind({
    group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', scope: 'Namespaced',
    shortNames: ['deploy'], categories: ['all'],
    // labelSelectorPath names a LabelSelector object here (CRDs point at a string).
    subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' } },
    generation: 'spec',
    nameRule: 'dns1123-subdomain',
    table: deploymentTable(),
    defaults,
    validate(d, ctx) {
      if (ctx.operation === 'status') {
        const status = obj(d.status);
        return validateReplicaCounts(status, ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount']);
      }
      const spec = obj(d.spec);
      const errs = validateSpec(spec);
      return ctx.operation === 'update' && ctx.old ? [...errs, ...selectorImmutable(spec, obj(ctx.old.spec))] : errs;
    },
  });
}
