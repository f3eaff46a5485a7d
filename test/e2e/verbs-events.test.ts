/**
 * core/v1 Events as controllers record them (`kubectl create -f`): the `kubectl get events`
 * table (and -o wide), field selectors on the involved object, type and reason, `kubectl
 * events`, the legacy validation of the core group, what describe shows of them, and their
 * expiry (`skiff up --event-ttl`).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlFor } from '../support/kubectl.ts';
import { waitFor } from '../support/runtime.ts';
import { startSkiffProcess } from '../support/skiff-process.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { installGadgetCrd } from './verbs-fixtures.ts';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');

describe('kubectl get events', () => {
  let s: TestSkiff;
  const json = async (args: string[]) => JSON.parse(await s.kubectl.ok([...args, '-o', 'json']));
  const lines = (out: string) => out.trimEnd().split('\n');

  before(async () => {
    s = await startTestSkiff();
    await installGadgetCrd(s.kubectl);
    await s.kubectl.ok(['create', 'namespace', 'ev']);
    // Subjects no controller of skiff writes events about, so the test sees only its own.
    await s.kubectl.ok(['create', 'configmap', 'web', '--from-literal=mode=blue', '-n', 'ev']);
    await s.kubectl.ok(['apply', '-n', 'ev', '-f', '-'], { stdin: 'apiVersion: verbs.example.com/v1\nkind: Gadget\nmetadata: {name: g1}\nspec: {size: 1}\n' });
    const config = await json(['get', 'configmap', 'web', '-n', 'ev']);
    const gadget = await json(['get', 'gadget', 'g1', '-n', 'ev']);
    const ref = (o: { apiVersion: string; kind: string; metadata: { name: string; uid: string } }, fieldPath?: string) => ({
      apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: 'ev', uid: o.metadata.uid, ...(fieldPath ? { fieldPath } : {}),
    });
    // Three events as controllers write them: two legacy (count, first/last timestamps,
    // source), one of the new style (eventTime, reporting*, series).
    const events = [
      {
        apiVersion: 'v1', kind: 'Event', metadata: { name: 'web.reloaded', namespace: 'ev' },
        involvedObject: ref(config), reason: 'Reloaded', message: 'Configuration reloaded by web-7c5ddbdf54', type: 'Normal',
        source: { component: 'config-reloader' }, firstTimestamp: minutesAgo(20), lastTimestamp: minutesAgo(12), count: 3,
      },
      {
        apiVersion: 'v1', kind: 'Event', metadata: { name: 'g1.failed', namespace: 'ev' },
        involvedObject: ref(gadget, 'spec.size'), reason: 'ResizeFailed', message: 'gadget cannot grow\n', type: 'Warning',
        source: { component: 'gadget-controller', host: 'node-1' }, firstTimestamp: minutesAgo(30), lastTimestamp: minutesAgo(30), count: 1,
      },
      {
        apiVersion: 'v1', kind: 'Event', metadata: { name: 'g1.series', namespace: 'ev' },
        involvedObject: ref(gadget), reason: 'Polled', message: 'gadget polled', type: 'Normal',
        eventTime: new Date(Date.now() - 40 * 60_000).toISOString().replace('Z', '000Z'),
        reportingComponent: 'example.com/gadget-poller', reportingInstance: 'poller-0', action: 'Poll',
        series: { count: 5, lastObservedTime: new Date(Date.now() - 15 * 60_000).toISOString().replace('Z', '000Z') },
      },
    ];
    const created = await s.kubectl.ok(['create', '-f', '-'], { stdin: events.map((e) => JSON.stringify(e)).join('\n') });
    assert.equal(created, 'event/web.reloaded created\nevent/g1.failed created\nevent/g1.series created\n');
  });
  after(async () => {
    await s?.stop();
  });

  it('prints LAST SEEN, TYPE, REASON, OBJECT and MESSAGE like a real cluster', async () => {
    const out = lines(await s.kubectl.ok(['get', 'events', '-n', 'ev', '--sort-by=.metadata.name']));
    assert.match(out[0]!, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    assert.match(out[1]!, /^30m\s+Warning\s+ResizeFailed\s+gadget\/g1\s+gadget cannot grow$/);
    assert.match(out[2]!, /^1[45]m\s+Normal\s+Polled\s+gadget\/g1\s+gadget polled$/);
    assert.match(out[3]!, /^1[12]m\s+Normal\s+Reloaded\s+configmap\/web\s+Configuration reloaded by web-7c5ddbdf54$/);
    assert.equal(out.length, 4);
    const wide = lines(await s.kubectl.ok(['get', 'ev', '-n', 'ev', '-o', 'wide', '--sort-by=.metadata.name']));
    assert.match(wide[0]!, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+SUBOBJECT\s+SOURCE\s+MESSAGE\s+FIRST SEEN\s+COUNT\s+NAME$/);
    assert.match(wide[1]!, /^30m\s+Warning\s+ResizeFailed\s+gadget\/g1\s+spec\.size\s+gadget-controller, node-1\s+gadget cannot grow\s+30m\s+1\s+g1\.failed$/);
    assert.match(wide[2]!, /^1[45]m\s+Normal\s+Polled\s+gadget\/g1\s+example\.com\/gadget-poller, poller-0\s+gadget polled\s+[34]\dm\s+5\s+g1\.series$/);
    assert.match(wide[3]!, /^1[12]m\s+Normal\s+Reloaded\s+configmap\/web\s+config-reloader\s+Configuration reloaded by web-7c5ddbdf54\s+(19|20)m\s+3\s+web\.reloaded$/);
    // -A adds the namespace; --no-headers drops the header.
    assert.match(await s.kubectl.ok(['get', 'events', '-A', '--field-selector', 'reason=Polled']), /^NAMESPACE\s+LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\nev\s+/);
    assert.doesNotMatch(await s.kubectl.ok(['get', 'events', '-n', 'ev', '--no-headers']), /LAST SEEN/);
  });

  it('filters with field selectors on the involved object, type and reason', async () => {
    const names = async (selector: string) => (await s.kubectl.ok(['get', 'events', '-n', 'ev', '--field-selector', selector, '-o', 'name'])).trim().split('\n').filter(Boolean).sort();
    assert.deepEqual(await names('involvedObject.name=g1'), ['event/g1.failed', 'event/g1.series']);
    assert.deepEqual(await names('involvedObject.kind=ConfigMap'), ['event/web.reloaded']);
    assert.deepEqual(await names('involvedObject.name=g1,type=Warning'), ['event/g1.failed']);
    assert.deepEqual(await names('involvedObject.fieldPath=spec.size'), ['event/g1.failed']);
    assert.deepEqual(await names('type!=Normal'), ['event/g1.failed']);
    assert.deepEqual(await names('reason=Reloaded'), ['event/web.reloaded']);
    assert.deepEqual(await names('involvedObject.name=nothing'), []);
    const none = await s.kubectl(['get', 'events', '-n', 'ev', '--field-selector', 'involvedObject.name=nothing']);
    assert.equal(none.stderr, 'No resources found in ev namespace.\n');
    const bad = await s.kubectl(['get', 'events', '-n', 'ev', '--field-selector', 'message=x']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /field label not supported: message/);
  });

  it('lists them with `kubectl events`, per object', async () => {
    const out = lines(await s.kubectl.ok(['events', '-n', 'ev', '--for', 'configmap/web']));
    assert.match(out[0]!, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    assert.match(out[1]!, /^1[12]m \(x3 over (19|20)m\)\s+Normal\s+Reloaded\s+ConfigMap\/web\s+Configuration reloaded by web-7c5ddbdf54$/);
    assert.equal(out.length, 2);
    assert.match(await s.kubectl.ok(['events', '-n', 'ev', '--types=Warning']), /ResizeFailed\s+Gadget\/g1\s+gadget cannot grow/);
  });

  it('shows the events of an object in describe', async () => {
    const out = await s.kubectl.ok(['describe', 'gadget', 'g1', '-n', 'ev']);
    assert.match(out, /^Events:\n {2}Type\s+Reason\s+Age\s+From\s+Message\n {2}----\s+------\s+----\s+----\s+-------\n/m);
    assert.match(out, /^ {2}Warning\s+ResizeFailed\s+30m\s+gadget-controller\s+gadget cannot grow$/m);
    assert.match(out, /^ {2}Normal\s+Polled\s+1[45]m \(x5 over [34]\dm\)\s+example\.com\/gadget-poller\s+gadget polled$/m);
    const config = await s.kubectl.ok(['describe', 'configmap', 'web', '-n', 'ev']);
    assert.match(config, /^ {2}Normal\s+Reloaded\s+1[12]m \(x3 over (19|20)m\)\s+config-reloader\s+Configuration reloaded by web-7c5ddbdf54$/m);
    assert.doesNotMatch(config, /ResizeFailed/);
    assert.doesNotMatch(await s.kubectl.ok(['describe', 'configmap', 'web', '-n', 'ev', '--show-events=false']), /Events:/);
  });

  it('validates core/v1 events as the API server does', async () => {
    const event = (extra: object) => JSON.stringify({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'bad', namespace: 'ev' }, reason: 'R', message: 'm', ...extra });
    const mismatch = await s.kubectl(['create', '-f', '-'], { stdin: event({ involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' } }) });
    assert.equal(mismatch.code, 1);
    assert.match(mismatch.stderr, /The Event "bad" is invalid: involvedObject\.namespace: Invalid value: "other": does not match event\.namespace/);
    const series = await s.kubectl(['create', '-f', '-'], { stdin: event({ involvedObject: { kind: 'Pod', name: 'p', namespace: 'ev' }, eventTime: '2024-01-01T00:00:00.000000Z' }) });
    assert.equal(series.code, 1);
    assert.match(series.stderr, /reportingComponent: Required value/);
    assert.match(series.stderr, /reportingInstance: Required value/);
    assert.match(series.stderr, /action: Required value/);
    assert.notEqual((await s.kubectl(['get', 'event', 'bad', '-n', 'ev'])).code, 0, 'nothing invalid is stored');
  });
});

describe('Event expiry (skiff up --event-ttl)', () => {
  it('removes an Event once its TTL has passed since its last write, as kube-apiserver\'s lease does', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'skiff-event-ttl-'));
    const skiff = await startSkiffProcess({ dataDir, logLevel: 'warn', upArgs: ['--event-ttl', '5s'] });
    try {
      const kubectl = kubectlFor(skiff.info.kubeconfig);
      await kubectl.ok(['create', '-f', '-'], { stdin: JSON.stringify({
        apiVersion: 'v1', kind: 'Event', metadata: { name: 'short-lived', namespace: 'default' },
        involvedObject: { apiVersion: 'v1', kind: 'Namespace', name: 'default' }, reason: 'Tested', message: 'gone in five seconds', type: 'Normal',
      }) });
      assert.match(await kubectl.ok(['get', 'events', '-o', 'name']), /^event\/short-lived$/m);
      const gone = await waitFor('the Event to expire', async () => {
        const r = await kubectl(['get', 'event', 'short-lived']);
        return r.code !== 0 ? r.stderr : undefined;
      });
      assert.match(gone, /events "short-lived" not found/);
    } finally {
      await skiff.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
