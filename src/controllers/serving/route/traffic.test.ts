import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRollout } from './rollout.ts';
import { configuration, lookup, revision, route } from './testing.ts';
import { buildTrafficConfiguration, trafficNames } from './traffic.ts';

// upstream traffic_test fixtures: goodConfig with goodOldRev (http1) and goodNewRev (h2c, latest ready).
const goodConfig = configuration('good-config', { latestReady: 'good-new' });
const goodOld = revision('good-old', 'good-config');
const goodNew = revision('good-new', 'good-config', { h2c: true });
const all = lookup([goodConfig, goodOld, goodNew]);
const pick = (t: { revisionName: string; tag: string; percent: number; latestRevision?: boolean; protocol: string }) => [t.tag, t.revisionName, t.percent, t.latestRevision, t.protocol];

test('Vanilla: a configuration target resolves to its latest ready revision', () => {
  const { config, error } = buildTrafficConfiguration(route([{ configurationName: 'good-config', percent: 100, latestRevision: true }]), all);
  assert.equal(error, undefined);
  assert.deepEqual(config.targets.get('')!.map(pick), [['', 'good-new', 100, true, 'h2c']]);
  assert.equal(config.targets.get('')![0]!.configurationName, 'good-config');
  assert.deepEqual([...config.configurations.keys()], ['good-config']);
  assert.deepEqual(buildRollout(config), { configurations: [{ configurationName: 'good-config', percent: 100, revisions: [{ revisionName: 'good-new', percent: 100 }], stepParams: {} }] });
});

test('Canary: a pinned revision and the latest one; only the latest part is a rollout', () => {
  const { config } = buildTrafficConfiguration(route([
    { revisionName: 'good-old', percent: 90, latestRevision: false },
    { configurationName: 'good-config', percent: 10, latestRevision: true },
  ]), all);
  assert.deepEqual(config.targets.get('')!.map(pick), [['', 'good-old', 90, false, 'http1'], ['', 'good-new', 10, true, 'h2c']]);
  assert.equal(config.targets.get('')![0]!.configurationName, 'good-config', 'a revision target learns its configuration from the label');
  assert.deepEqual(buildRollout(config).configurations!.map((c) => [c.configurationName, c.percent]), [['good-config', 10]]);
});

test('TwoEntriesSameConfigDifferentTags: the default group consolidates, each tag routes 100%', () => {
  const { config } = buildTrafficConfiguration(route([
    { configurationName: 'good-config', percent: 90, latestRevision: true },
    { configurationName: 'good-config', percent: 10, tag: 'robert', latestRevision: true },
  ]), all);
  assert.deepEqual(config.targets.get('')!.map(pick), [['', 'good-new', 100, true, 'h2c']]);
  assert.deepEqual(config.targets.get('robert')!.map(pick), [['robert', 'good-new', 100, true, 'h2c']]);
  assert.deepEqual(config.revisionTargets.map(pick), [['', 'good-new', 90, true, 'h2c'], ['robert', 'good-new', 10, true, 'h2c']]);
  assert.deepEqual(buildRollout(config).configurations!.map((c) => [c.tag ?? '', c.percent]), [['', 100], ['robert', 100]]);
});

test('Consolidated: the same revision through two entries sums in the default group, not in status', () => {
  const { config } = buildTrafficConfiguration(route([
    { tag: 'one', revisionName: 'good-old', percent: 49, latestRevision: false },
    { tag: 'two', revisionName: 'good-new', percent: 50, latestRevision: false },
    { tag: 'also-two', configurationName: 'good-config', percent: 1, latestRevision: true },
  ]), all);
  assert.deepEqual(config.targets.get('')!.map((t) => [t.revisionName, t.percent]), [['good-old', 49], ['good-new', 51]]);
  assert.deepEqual([...config.targets.keys()].sort(), ['', 'also-two', 'one', 'two']);
  assert.equal(config.targets.get('also-two')![0]!.percent, 100);
  assert.deepEqual(config.revisionTargets.map((t) => [t.tag, t.percent]), [['one', 49], ['two', 50], ['also-two', 1]]);
});

test('Tag0Percent: a 0% tag still gets its own 100% group', () => {
  const { config } = buildTrafficConfiguration(route([
    { configurationName: 'good-config', percent: 100, latestRevision: true },
    { tag: 'old', revisionName: 'good-old', percent: 0, latestRevision: false },
  ]), all);
  assert.deepEqual(config.targets.get('')!.map((t) => [t.revisionName, t.percent]), [['good-new', 100], ['good-old', 0]]);
  assert.deepEqual(config.targets.get('old')!.map((t) => [t.revisionName, t.percent]), [['good-old', 100]]);
});

test('missing and unready targets are errors; a failure outranks an earlier not-ready target', () => {
  const missing = buildTrafficConfiguration(route([{ configurationName: 'nope', percent: 100, latestRevision: true }]), all);
  assert.deepEqual(missing.error, { kind: 'missing', targetKind: 'Configuration', name: 'nope', isFailure: true });
  assert.deepEqual(missing.config.missingTargets, [{ kind: 'Configuration', name: 'nope' }]);
  assert.equal(missing.config.targets.size, 0);

  const empty = configuration('empty-config');
  const failed = configuration('failed-config', { ready: 'False' });
  const objs = lookup([empty, failed, goodConfig, goodOld, goodNew, revision('unready', 'good-config', { ready: 'Unknown' }), revision('broken', 'good-config', { ready: 'False' })]);
  const build = (...names: string[]) => buildTrafficConfiguration(route(names.map((n) => ({ configurationName: n, percent: 50, latestRevision: true }))), objs).error;
  assert.deepEqual(build('empty-config', 'good-config'), { kind: 'unreadyConfiguration', name: 'empty-config', isFailure: false });
  assert.deepEqual(build('empty-config', 'failed-config'), { kind: 'unreadyConfiguration', name: 'failed-config', isFailure: true });
  assert.deepEqual(build('failed-config', 'empty-config'), { kind: 'unreadyConfiguration', name: 'failed-config', isFailure: true });
  const rev = (name: string) => buildTrafficConfiguration(route([{ revisionName: name, percent: 100, latestRevision: false }]), objs).error;
  assert.deepEqual(rev('unready'), { kind: 'unreadyRevision', name: 'unready', isFailure: false });
  assert.deepEqual(rev('broken'), { kind: 'unreadyRevision', name: 'broken', isFailure: true });
  assert.deepEqual(rev('gone'), { kind: 'missing', targetKind: 'Revision', name: 'gone', isFailure: true });
});

test('a revision not yet at its latest generation is not ready', () => {
  const stale = revision('stale', 'good-config');
  stale.metadata.generation = 2;
  assert.equal(buildTrafficConfiguration(route([{ revisionName: 'stale', percent: 100, latestRevision: false }]), lookup([goodConfig, stale])).error?.kind, 'unreadyRevision');
});

test('RevisionOwnership: a Service\'s Route only routes to that Service\'s revisions', () => {
  const mine = revision('mine', 'svc', { service: 'svc' });
  const theirs = revision('theirs', 'other', { service: 'other' });
  const loose = revision('loose', 'cfg');
  const objs = lookup([configuration('svc', { latestReady: 'mine' }), configuration('other'), configuration('cfg'), mine, theirs, loose]);
  const owned = (name: string) => buildTrafficConfiguration(route([{ revisionName: name, percent: 100, latestRevision: false }], { labels: { 'serving.knative.dev/service': 'svc' } }), objs).error;
  assert.equal(owned('mine'), undefined);
  assert.deepEqual(owned('theirs'), { kind: 'revisionNotOwned', name: 'theirs', expectedService: 'svc', actualService: 'other', isFailure: true });
  assert.deepEqual(owned('loose'), { kind: 'revisionNotOwned', name: 'loose', expectedService: 'svc', actualService: '', isFailure: true });
  // A standalone Route may route anywhere.
  assert.equal(buildTrafficConfiguration(route([{ revisionName: 'theirs', percent: 100, latestRevision: false }]), objs).error, undefined);
});

test('trafficNames: the default target plus every tag', () => {
  assert.deepEqual(trafficNames(route([{ configurationName: 'c', percent: 100, tag: 'b' }, { revisionName: 'r', tag: 'a', percent: 0 }])), ['', 'a', 'b']);
});
