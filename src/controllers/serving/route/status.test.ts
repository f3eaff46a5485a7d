import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/object.ts';
import { KnativeConditions } from '../shared/conditions.ts';
import { type RouteConfig, domainConfigFromData, networkConfigFromData } from './config.ts';
import type { Visibility } from './domains.ts';
import {
  ROUTE_CONDITIONS, markBadTrafficTarget, markIngressNotConfigured, markTLSNotEnabled, markTrafficAssigned, propagateIngressStatus, routeURL, statusTraffic,
} from './status.ts';
import { configuration, lookup, revision, route } from './testing.ts';
import { buildTrafficConfiguration } from './traffic.ts';

const cfg = (network: Record<string, string> = {}): RouteConfig => ({
  network: networkConfigFromData({ 'domain-template': '{{.Name}}-{{.Namespace}}.{{.Domain}}', ...network }),
  domain: domainConfigFromData({ 'apps.openshift.example.com': '' }),
  tagHeaderBasedRouting: false,
});
const fixed = () => new Date('2026-11-23T20:00:00Z');
const conds = () => new KnativeConditions(ROUTE_CONDITIONS, undefined, fixed).initialize();
const pick = (c: KnativeConditions, type: string) => {
  const x = c.get(type)!;
  return [x.status, x.reason, x.message];
};
const ext = new Map<string, Visibility>([['', 'ExternalIP']]);

test('the URL: https for passthrough routes, else default-external-scheme; http when cluster-local', () => {
  assert.equal(routeURL(cfg(), route([], { name: 'hello', annotations: { 'serving.knative.openshift.io/enablePassthrough': 'true' } }), ext), 'https://hello-default.apps.openshift.example.com');
  assert.equal(routeURL(cfg(), route([], { name: 'hello' }), ext), 'http://hello-default.apps.openshift.example.com');
  assert.equal(routeURL(cfg({ 'default-external-scheme': 'https' }), route([], { name: 'hello' }), ext), 'https://hello-default.apps.openshift.example.com');
  const local = new Map<string, Visibility>([['', 'ClusterLocal']]);
  assert.equal(routeURL(cfg(), route([], { name: 'hello', annotations: { 'serving.knative.openshift.io/enablePassthrough': 'true' } }), local), 'http://hello.default.svc.cluster.local');
});

test('status.traffic: concrete revisions, latestRevision kept, URLs only on tagged entries', () => {
  const objs = lookup([configuration('hello', { latestReady: 'hello-00002' }), revision('hello-00001', 'hello'), revision('hello-00002', 'hello')]);
  const r = route([
    { configurationName: 'hello', percent: 80, latestRevision: true },
    { revisionName: 'hello-00001', percent: 20, latestRevision: false, tag: 'old' },
  ], { name: 'hello' });
  const { config } = buildTrafficConfiguration(r, objs);
  const vis = new Map<string, Visibility>([['', 'ExternalIP'], ['old', 'ClusterLocal']]);
  assert.deepEqual(statusTraffic(cfg(), r, config, vis), [
    { revisionName: 'hello-00002', latestRevision: true, percent: 80 },
    { tag: 'old', revisionName: 'hello-00001', latestRevision: false, percent: 20, url: 'http://old-hello.default.svc.cluster.local' },
  ]);
  vis.set('old', 'ExternalIP');
  assert.equal(statusTraffic(cfg(), r, config, vis)[1]!.url, 'http://old-hello-default.apps.openshift.example.com');
});

test('bad traffic targets mark AllTrafficAssigned with upstream\'s reasons and messages', () => {
  const cases: Array<[Parameters<typeof markBadTrafficTarget>[1], string[]]> = [
    [{ kind: 'missing', targetKind: 'Configuration', name: 'c', isFailure: true }, ['False', 'ConfigurationMissing', 'Configuration "c" referenced in traffic not found.']],
    [{ kind: 'missing', targetKind: 'Revision', name: 'r', isFailure: true }, ['False', 'RevisionMissing', 'Revision "r" referenced in traffic not found.']],
    [{ kind: 'unreadyConfiguration', name: 'c', isFailure: false }, ['Unknown', 'RevisionMissing', 'Configuration "c" is waiting for a Revision to become ready.']],
    [{ kind: 'unreadyConfiguration', name: 'c', isFailure: true }, ['False', 'RevisionMissing', 'Configuration "c" does not have any ready Revision.']],
    [{ kind: 'unreadyRevision', name: 'r', isFailure: false }, ['Unknown', 'RevisionMissing', 'Revision "r" is not yet ready.']],
    [{ kind: 'unreadyRevision', name: 'r', isFailure: true }, ['False', 'RevisionMissing', 'Revision "r" failed to become ready.']],
    [{ kind: 'revisionNotOwned', name: 'r', expectedService: 's', actualService: 'o', isFailure: true }, ['False', 'RevisionNotOwned', 'Revision "r" belongs to Service "o", not Service "s".']],
    [{ kind: 'revisionNotOwned', name: 'r', expectedService: 's', actualService: '', isFailure: true }, ['False', 'RevisionNotOwned', 'Revision "r" does not belong to Service "s".']],
  ];
  for (const [err, want] of cases) {
    const c = conds();
    markBadTrafficTarget(c, err);
    assert.deepEqual(pick(c, 'AllTrafficAssigned'), want);
    assert.deepEqual(pick(c, 'Ready').slice(0, 2), want.slice(0, 2));
  }
});

const ingress = (ready?: { status: string; reason?: string; message?: string }): KubeObject => ({
  apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'Ingress', metadata: { name: 'x' },
  status: ready ? { conditions: [{ type: 'Ready', ...ready }] } : {},
});

test('IngressReady mirrors the KIngress; Ready once traffic, ingress and certificate are all True', () => {
  const c = conds();
  markTrafficAssigned(c);
  markTLSNotEnabled(c, 'external-domain-tls is not enabled');
  assert.deepEqual(pick(c, 'CertificateProvisioned'), ['True', 'TLSNotEnabled', 'external-domain-tls is not enabled']);
  markIngressNotConfigured(c);
  assert.deepEqual(pick(c, 'Ready'), ['Unknown', 'IngressNotConfigured', 'Ingress has not yet been reconciled.']);
  propagateIngressStatus(c, ingress());
  assert.deepEqual(pick(c, 'IngressReady'), ['Unknown', 'IngressNotConfigured', 'Ingress has not yet been reconciled.']);
  propagateIngressStatus(c, ingress({ status: 'Unknown', reason: 'Uninitialized', message: 'Waiting for load balancer to be ready' }));
  assert.deepEqual(pick(c, 'Ready'), ['Unknown', 'Uninitialized', 'Waiting for load balancer to be ready']);
  propagateIngressStatus(c, ingress({ status: 'True' }));
  assert.equal(c.get('Ready')!.status, 'True');
  propagateIngressStatus(c, ingress({ status: 'False', reason: 'Bad', message: 'no' }));
  assert.deepEqual(pick(c, 'Ready'), ['False', 'Bad', 'no']);
});
