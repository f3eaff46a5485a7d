import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../api/object.ts';
import { aggregatedRules, applyConfiguration } from './reconcile.ts';

const role = (name: string, labels: Record<string, string>, rules: unknown[], aggregationRule?: unknown) =>
  ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels }, rules, ...(aggregationRule ? { aggregationRule } : {}) }) as KubeObject & { rules: never[] };

test('aggregation: rules of the matching roles, selector by selector, roles by name, each rule once', () => {
  const podsRead = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
  const monitoring = role('monitoring', {}, [], { clusterRoleSelectors: [{ matchLabels: { 'to-monitoring': 'true' } }, { matchLabels: { team: 'obs' } }] });
  const all = [
    monitoring,
    role('z-metrics', { 'to-monitoring': 'true' }, [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }]),
    role('a-pods', { 'to-monitoring': 'true', team: 'obs' }, [podsRead]),
    // The same rule again, with an empty list where the first has none: still one rule.
    role('b-more-pods', { team: 'obs' }, [{ ...podsRead, resourceNames: [] }, { verbs: ['list'], apiGroups: [''], resources: ['nodes'] }]),
    role('unrelated', { team: 'web' }, [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]),
  ];
  assert.deepEqual(aggregatedRules(monitoring, all), [podsRead, { verbs: ['get'], nonResourceURLs: ['/metrics'] }, { verbs: ['list'], apiGroups: [''], resources: ['nodes'] }]);
  // A role its own selector matches does not feed on itself.
  const self = role('self', { team: 'obs' }, [{ verbs: ['watch'], apiGroups: [''], resources: ['x'] }], { clusterRoleSelectors: [{ matchLabels: { team: 'obs' } }] });
  assert.deepEqual(aggregatedRules(self, [self]), []);
});

test('aggregation: the apply configuration has only non-empty lists, and no rules when none match', () => {
  assert.deepEqual(applyConfiguration('m', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [] }]), {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'm' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
  });
  assert.deepEqual(applyConfiguration('m', []), { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'm' } });
});
