/**
 * Watches as a real cluster serves them: `kubectl get -w` / `--watch-only` print Table rows
 * with the same columns as get; a watch from resourceVersion N resumes exactly after N (no
 * duplicate, no gap); a compacted resourceVersion answers one ERROR event 410 Expired;
 * bookmarks when allowed; label and field selectors turn objects that stop or start
 * matching into DELETED / ADDED for that watcher.
 *
 * The skiff here keeps a short history window so that compaction is reached by writing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiFor, type Api, type WatchEventLine } from '../support/api.ts';
import { startKubectlStream } from '../support/kubectl-stream.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

const HISTORY_WINDOW = 64;
const NS = 'watching';
const CMS = `/api/v1/namespaces/${NS}/configmaps`;

describe('watch', () => {
  let s: TestSkiff;
  let api: Api;
  const rvOf = (e: WatchEventLine) => e.object.metadata?.resourceVersion;
  const summary = (e: WatchEventLine) => `${e.type} ${e.object.metadata?.name} ${rvOf(e)}`;
  const write = async (method: string, path: string, body?: unknown, contentType = 'application/merge-patch+json') => {
    const r = await api.request<{ metadata: { resourceVersion: string; name: string } }>(method, path, body, method === 'PATCH' ? { 'Content-Type': contentType } : {});
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const createCm = (name: string, labels: Record<string, string> = {}) => write('POST', CMS, { metadata: { name, labels }, data: { v: '0' } });

  before(async () => {
    s = await startTestSkiff({ historyWindow: HISTORY_WINDOW });
    api = apiFor({ apiServer: s.skiff.info.apiServer, dataDir: s.dataDir });
    await s.kubectl.ok(['create', 'namespace', NS]);
    // As in every namespace of a real cluster, kube-controller-manager publishes the root CA ConfigMap.
    await s.kubectl.ok(['-n', NS, 'wait', '--for=create', '--timeout=30s', 'configmap/kube-root-ca.crt']);
  });
  after(async () => {
    await s?.stop();
  });

  it('kubectl get -w prints the list, then every event as a row with the get columns', async () => {
    await s.kubectl.ok(['-n', NS, 'create', 'configmap', 'pre', '--from-literal=a=1']);
    const events = startKubectlStream(s.kubectl.kubeconfig, ['-n', NS, 'get', 'cm', '-w', '--output-watch-events']);
    const only = startKubectlStream(s.kubectl.kubeconfig, ['-n', NS, 'get', 'cm', '--watch-only']);
    try {
      await events.waitFor(/^EVENT\s+NAME\s+DATA\s+AGE\nADDED\s+kube-root-ca\.crt\s+1\s+\d+s\nADDED\s+pre\s+1\s+\d+s\n/);
      // --watch-only prints nothing before an event, so nothing says when its watch began:
      // touch the object until the first event shows (bounded).
      for (let touch = 1; !/^pre\s/m.test(only.output()); touch++) {
        assert.ok(touch <= 50, `kubectl get --watch-only printed nothing: ${only.output()}`);
        await s.kubectl.ok(['-n', NS, 'label', '--overwrite', 'cm', 'pre', `touch=${touch}`]);
        await only.waitFor(/^pre\s/m, 200).catch(() => undefined);
      }
      await events.waitFor(/^MODIFIED\s+pre\s/m);
      const touches = (only.output().match(/^pre\s/gm) ?? []).length;
      await only.waitFor(/^NAME\s+DATA\s+AGE\npre\s+1\s+\d+s\n/);
      await s.kubectl.ok(['-n', NS, 'create', 'configmap', 'live', '--from-literal=a=1']);
      await s.kubectl.ok(['-n', NS, 'patch', 'cm', 'live', '-p', '{"data":{"b":"2"}}']);
      await s.kubectl.ok(['-n', NS, 'delete', 'cm', 'live']);
      const out = (await events.waitFor(/^DELETED\s+live\s+2\s+\d+s$/m)).input;
      assert.match(out, /^EVENT\s+NAME\s+DATA\s+AGE\nADDED\s+kube-root-ca\.crt\s+1\s+\d+s\nADDED\s+pre\s+1\s+\d+s\n(MODIFIED\s+pre\s+1\s+\d+s\n)+ADDED\s+live\s+1\s+\d+s\nMODIFIED\s+live\s+2\s+\d+s\nDELETED\s+live\s+2\s+\d+s\n$/);
      const watched = (await only.waitFor(/^live\s+1\s+\d+s\nlive\s+2\s+\d+s\nlive\s+2\s+\d+s\n$/m)).input;
      assert.match(watched, /^NAME\s+DATA\s+AGE\n(pre\s+1\s+\d+s\n)+live/, 'one header, then one row per event');
      assert.equal((watched.match(/^pre\s/gm) ?? []).length, touches);
    } finally {
      await events.stop();
      await only.stop();
    }
    await s.kubectl.ok(['-n', NS, 'delete', 'cm', 'pre']);
  });

  it('serves Table-wrapped watch events when asked for a Table', async () => {
    const from = (await api.get<{ metadata: { resourceVersion: string } }>(CMS)).body.metadata.resourceVersion;
    await createCm('tabled');
    const w = await api.watch(`${CMS}?watch=true&resourceVersion=${from}&fieldSelector=metadata.name%3Dtabled`, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    try {
      const e = await w.next();
      assert.equal(e.type, 'ADDED');
      const table = e.object as { kind: string; apiVersion: string; columnDefinitions: Array<{ name: string }>; rows: Array<{ cells: unknown[]; object: { kind: string; metadata: { name: string } } }> };
      assert.equal(table.kind, 'Table');
      assert.equal(table.apiVersion, 'meta.k8s.io/v1');
      assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Data', 'Age']);
      assert.deepEqual(table.rows[0]!.cells.slice(0, 2), ['tabled', 1]);
      assert.equal(table.rows[0]!.object.kind, 'PartialObjectMetadata');
      assert.equal(table.rows[0]!.object.metadata.name, 'tabled');
    } finally {
      w.close();
    }
  });

  it('resumes from a resourceVersion exactly: every later event once, in order, nothing earlier', async () => {
    const created = await createCm('resume');
    const path = `${CMS}/resume`;
    const rv1 = (await write('PATCH', path, { data: { v: '1' } })).metadata.resourceVersion;
    const rv2 = (await write('PATCH', path, { data: { v: '2' } })).metadata.resourceVersion;
    const other = (await createCm('resume-other')).metadata.resourceVersion;
    const rv3 = (await write('PATCH', path, { data: { v: '3' } })).metadata.resourceVersion;
    await write('DELETE', path);

    const w = await api.watch(`${CMS}?watch=true&resourceVersion=${created.metadata.resourceVersion}`);
    try {
      assert.equal(w.status, 200);
      const got = [await w.next(), await w.next(), await w.next(), await w.next(), await w.next()].map(summary);
      assert.deepEqual(got.slice(0, 4), [`MODIFIED resume ${rv1}`, `MODIFIED resume ${rv2}`, `ADDED resume-other ${other}`, `MODIFIED resume ${rv3}`]);
      assert.match(got[4]!, /^DELETED resume \d+$/);
      assert.ok(Number(got[4]!.split(' ')[2]) > Number(rv3), 'a DELETED event carries the deletion revision');
      // Nothing else: the next write is the next event.
      await write('PATCH', `${CMS}/resume-other`, { data: { v: 'x' } });
      assert.match(summary(await w.next()), /^MODIFIED resume-other \d+$/);
    } finally {
      w.close();
    }

    // From the middle: only what came after.
    const mid = await api.watch(`${CMS}?watch=true&resourceVersion=${rv2}&fieldSelector=metadata.name%3Dresume`);
    try {
      assert.equal(summary(await mid.next()), `MODIFIED resume ${rv3}`);
      assert.match(summary(await mid.next()), /^DELETED resume \d+$/);
    } finally {
      mid.close();
    }
  });

  it('starts with synthetic ADDED events for the current state when no resourceVersion is given', async () => {
    await createCm('initial-a', { set: 'initial' });
    await createCm('initial-b', { set: 'initial' });
    const w = await api.watch(`${CMS}?watch=true&labelSelector=set%3Dinitial`);
    try {
      assert.deepEqual([await w.next(), await w.next()].map((e) => `${e.type} ${e.object.metadata?.name}`), ['ADDED initial-a', 'ADDED initial-b']);
    } finally {
      w.close();
    }
  });

  it('filters by label selector: stops matching → DELETED, starts matching → ADDED', async () => {
    const from = (await api.get<{ metadata: { resourceVersion: string } }>(CMS)).body.metadata.resourceVersion;
    const w = await api.watch(`${CMS}?watch=true&resourceVersion=${from}&labelSelector=tier%3Dfront`);
    try {
      await createCm('lbl-back', { tier: 'back' });
      await createCm('lbl', { tier: 'front' });
      const first = await w.next();
      assert.equal(`${first.type} ${first.object.metadata?.name}`, 'ADDED lbl', 'the non-matching object was skipped');
      await write('PATCH', `${CMS}/lbl`, { data: { v: '1' } });
      assert.equal(summary(await w.next()).split(' ').slice(0, 2).join(' '), 'MODIFIED lbl');
      const relabelled = await write('PATCH', `${CMS}/lbl`, { metadata: { labels: { tier: 'back' } } });
      const left = await w.next();
      assert.equal(summary(left), `DELETED lbl ${relabelled.metadata.resourceVersion}`);
      assert.equal((left.object as { metadata: { labels: Record<string, string> } }).metadata.labels.tier, 'front', 'the DELETED event shows the object as it last matched');
      await write('PATCH', `${CMS}/lbl-back`, { data: { v: '1' } });
      await write('PATCH', `${CMS}/lbl-back`, { metadata: { labels: { tier: 'front' } } });
      const joined = await w.next();
      assert.equal(`${joined.type} ${joined.object.metadata?.name}`, 'ADDED lbl-back');
    } finally {
      w.close();
    }
  });

  it('filters by field selector, including kubectl get -w --field-selector', async () => {
    const from = (await api.get<{ metadata: { resourceVersion: string } }>(CMS)).body.metadata.resourceVersion;
    const w = await api.watch(`${CMS}?watch=true&resourceVersion=${from}&fieldSelector=metadata.name%3Dfld`);
    const kubectlWatch = startKubectlStream(s.kubectl.kubeconfig, ['-n', NS, 'get', 'cm', '-w', '--output-watch-events', '--field-selector=metadata.name=fld']);
    try {
      await createCm('fld-not');
      await createCm('fld');
      // kubectl shows the object from its list or its watch, whichever came first.
      await kubectlWatch.waitFor(/^ADDED\s+fld\s/m);
      await write('PATCH', `${CMS}/fld-not`, { data: { v: '1' } });
      await write('PATCH', `${CMS}/fld`, { data: { v: '1' } });
      await write('DELETE', `${CMS}/fld`);
      assert.deepEqual([await w.next(), await w.next(), await w.next()].map((e) => `${e.type} ${e.object.metadata?.name}`), ['ADDED fld', 'MODIFIED fld', 'DELETED fld']);
      const out = (await kubectlWatch.waitFor(/^DELETED\s+fld\s/m)).input;
      assert.match(out, /^MODIFIED\s+fld\s/m);
      assert.doesNotMatch(out, /fld-not/);
    } finally {
      w.close();
      await kubectlWatch.stop();
    }
    const bad = await api.get(`${CMS}?watch=true&fieldSelector=data.v%3D1`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, 'field label not supported: data.v');
  });

  it('sends bookmarks when allowed, the last one before the watch times out', async () => {
    const from = (await api.get<{ metadata: { resourceVersion: string } }>(CMS)).body.metadata.resourceVersion;
    const w = await api.watch(`${CMS}?watch=true&resourceVersion=${from}&allowWatchBookmarks=true&timeoutSeconds=3`);
    const plain = await api.watch(`${CMS}?watch=true&resourceVersion=${from}&timeoutSeconds=3`);
    const created = await createCm('marked');
    const rest = await w.ended(10_000);
    const all = rest.map((e) => e.type);
    assert.deepEqual(all, ['ADDED', 'BOOKMARK'], 'one bookmark, 2 s before the 3 s deadline, then the stream ends');
    const bookmark = rest[1]!.object as { kind: string; apiVersion: string; metadata: { resourceVersion: string } };
    assert.equal(bookmark.kind, 'ConfigMap');
    assert.equal(bookmark.apiVersion, 'v1');
    assert.ok(Number(bookmark.metadata.resourceVersion) >= Number(created.metadata.resourceVersion));
    assert.deepEqual((await plain.ended(10_000)).map((e) => e.type), ['ADDED'], 'no bookmarks unless allowed');
  });

  it('answers a watch from a compacted resourceVersion with one ERROR event: 410 Expired', async () => {
    const early = (await createCm('old')).metadata.resourceVersion;
    for (let i = 0; i < HISTORY_WINDOW + 5; i++) await write('PATCH', `${CMS}/old`, { data: { v: String(i) } });
    const w = await api.watch(`${CMS}?watch=true&resourceVersion=${early}`);
    assert.equal(w.status, 200);
    const events = await w.ended();
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, 'ERROR');
    const status = events[0]!.object;
    assert.equal(status.kind, 'Status');
    assert.equal(status.code, 410);
    assert.equal(status.reason, 'Expired');
    assert.match(String(status.message), new RegExp(`^too old resource version: ${early} \\(\\d+\\)$`));

    // kubectl get -w is unaffected: it lists, then watches from the list's revision.
    const watch = startKubectlStream(s.kubectl.kubeconfig, ['-n', NS, 'get', 'cm', 'old', '-w', '--output-watch-events']);
    try {
      await watch.waitFor(/^ADDED\s+old\s/m);
      // kubectl prints the GET before its watch (resourceVersion=0) is in place; a change
      // made in between is folded into that watch's initial state, which kubectl skips, on a
      // real cluster too. So change the object until a MODIFIED shows (bounded).
      for (let attempt = 0; ; attempt++) {
        await write('PATCH', `${CMS}/old`, { data: { v: `after-${attempt}` } });
        try {
          await watch.waitFor(/^MODIFIED\s+old\s/m, 3_000);
          break;
        } catch (err) {
          if (attempt >= 9) throw err;
        }
      }
    } finally {
      await watch.stop();
    }
  });
});
