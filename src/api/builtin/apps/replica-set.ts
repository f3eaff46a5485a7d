/**
 * apps/v1 ReplicaSet: DESIRED/CURRENT/READY table, one default (1 replica), the shared
 * selector/template rules, and the `status.replicas` field selector.
 */
import type { KindDefinition, TablePrinter } from '../../kind.ts';
import { nonNegative } from '../core/container-validation.ts';
import { formatLabelSelector } from '../util/labels.ts';
import { builtinKind } from '../util/builtin-kind.ts';
import { num, obj } from '../util/obj.ts';
import { age, ageColumn, column, containerCells, CONTAINERS_COLUMN, fieldColumn, IMAGES_COLUMN, nameColumn } from '../util/table.ts';
import { defaultWorkload, selectorImmutable, validateReplicaCounts, validateSelectorAndTemplate } from './workload.ts';

const SPEC = 'io.k8s.api.apps.v1.ReplicaSetSpec';
const STATUS = 'io.k8s.api.apps.v1.ReplicaSetStatus';

export function replicaSetTable(): TablePrinter {
  return {
    columns: [
      nameColumn(),
      fieldColumn('Desired', 'integer', SPEC, 'replicas'),
      fieldColumn('Current', 'integer', STATUS, 'replicas'),
      fieldColumn('Ready', 'integer', STATUS, 'readyReplicas'),
      ageColumn(),
      column('Containers', 'string', CONTAINERS_COLUMN, 1),
      column('Images', 'string', IMAGES_COLUMN, 1),
      fieldColumn('Selector', 'string', SPEC, 'selector', 1),
    ],
    row(rs, now) {
      const spec = obj(rs.spec);
      const status = obj(rs.status);
      const [names, images] = containerCells(obj(obj(spec.template).spec).containers);
      return [
        rs.metadata.name ?? '', num(spec.replicas) ?? 0, num(status.replicas) ?? 0, num(status.readyReplicas) ?? 0, age(rs, now),
        names, images, formatLabelSelector(spec.selector),
      ];
    },
  };
}

export function replicaSetKind(): KindDefinition {
  return builtinKind({
    group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', scope: 'Namespaced',
    shortNames: ['rs'], categories: ['all'],
    // labelSelectorPath names a LabelSelector object here (CRDs point at a string).
    subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' } },
    generation: 'spec',
    nameRule: 'dns1123-subdomain',
    table: replicaSetTable(),
    defaults: (rs) => void defaultWorkload(rs),
    validate(rs, ctx) {
      if (ctx.operation === 'status') {
        return validateReplicaCounts(obj(rs.status), ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']);
      }
      const spec = obj(rs.spec);
      const errs = [...nonNegative(spec.replicas, 'spec.replicas'), ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'), ...validateSelectorAndTemplate(spec)];
      return ctx.operation === 'update' && ctx.old ? [...errs, ...selectorImmutable(spec, obj(ctx.old.spec))] : errs;
    },
    fieldSelectors: {
      'status.replicas': (rs) => String(num(obj(rs.status).replicas) ?? 0),
    },
  });
}
