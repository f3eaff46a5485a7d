import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMetadataPatch, routingTargets } from './labeler.ts';
import { configuration, lookup, revision, route } from './testing.ts';

const now = new Date('2026-11-23T20:01:02.345Z');
const rev = (annotations?: Record<string, string>, routingState?: string) => revision('r1', 'cfg', { annotations, labels: routingState ? { 'serving.knative.dev/routingState': routingState } : {} });

test('a routed revision becomes active and lists the route; routingStateModified is stamped in whole seconds', () => {
  assert.deepEqual(makeMetadataPatch(rev(undefined, 'pending'), 'hello', { remove: false, routingState: true, now }), {
    metadata: {
      labels: { 'serving.knative.dev/routingState': 'active' },
      annotations: { 'serving.knative.dev/routes': 'hello', 'serving.knative.dev/routingStateModified': '2026-11-23T20:01:02Z' },
    },
  });
  // Already right: nothing to write.
  assert.equal(makeMetadataPatch(rev({ 'serving.knative.dev/routes': 'hello' }, 'active'), 'hello', { remove: false, routingState: true, now }), undefined);
  // Another route joins: the list is sorted, the state unchanged.
  assert.deepEqual(makeMetadataPatch(rev({ 'serving.knative.dev/routes': 'zed' }, 'active'), 'hello', { remove: false, routingState: true, now }), {
    metadata: { annotations: { 'serving.knative.dev/routes': 'hello,zed' } },
  });
});

test('the last route leaving removes the annotation and moves the revision to reserve', () => {
  assert.deepEqual(makeMetadataPatch(rev({ 'serving.knative.dev/routes': 'hello' }, 'active'), 'hello', { remove: true, routingState: true, now }), {
    metadata: {
      labels: { 'serving.knative.dev/routingState': 'reserve' },
      annotations: { 'serving.knative.dev/routes': null, 'serving.knative.dev/routingStateModified': '2026-11-23T20:01:02Z' },
    },
  });
  assert.deepEqual(makeMetadataPatch(rev({ 'serving.knative.dev/routes': 'a,hello' }, 'active'), 'hello', { remove: true, routingState: true, now }), {
    metadata: { annotations: { 'serving.knative.dev/routes': 'a' } },
  });
});

test('Configurations get the routes annotation and the v1 route label, never a routing state', () => {
  const cfg = configuration('cfg');
  assert.deepEqual(makeMetadataPatch(cfg, 'hello', { remove: false, routingState: false, now }), {
    metadata: { labels: { 'serving.knative.dev/route': 'hello' }, annotations: { 'serving.knative.dev/routes': 'hello' } },
  });
  cfg.metadata.labels = { 'serving.knative.dev/route': 'hello' };
  cfg.metadata.annotations = { 'serving.knative.dev/routes': 'hello' };
  assert.equal(makeMetadataPatch(cfg, 'hello', { remove: false, routingState: false, now }), undefined);
  assert.deepEqual(makeMetadataPatch(cfg, 'hello', { remove: true, routingState: false, now }), {
    metadata: { labels: { 'serving.knative.dev/route': null }, annotations: { 'serving.knative.dev/routes': null } },
  });
  // Another route holding the label keeps it.
  assert.deepEqual(makeMetadataPatch(cfg, 'other', { remove: false, routingState: false, now }), { metadata: { annotations: { 'serving.knative.dev/routes': 'hello,other' } } });
});

test('routing targets: spec and status traffic, a revision\'s configuration, and the latest created revision of latest targets', () => {
  const objs = lookup([
    configuration('cfg', { latestReady: 'cfg-00001', latestCreated: 'cfg-00002' }),
    revision('cfg-00001', 'cfg'), revision('cfg-00002', 'cfg'), revision('pinned', 'other'), configuration('other'),
  ]);
  const r = route([{ configurationName: 'cfg', percent: 90, latestRevision: true }, { revisionName: 'pinned', percent: 10, latestRevision: false }, { revisionName: 'gone', percent: 0, latestRevision: false }]);
  r.status = { traffic: [{ revisionName: 'cfg-00001', percent: 90, latestRevision: true }] };
  const got = routingTargets(r, objs);
  assert.deepEqual([...got.revisions].sort(), ['cfg-00001', 'cfg-00002', 'pinned']);
  assert.deepEqual([...got.configurations].sort(), ['cfg', 'other']);
});
