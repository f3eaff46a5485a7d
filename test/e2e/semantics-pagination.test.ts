/**
 * limit/continue pagination as kube-apiserver serves it: kubectl's chunked lists print every
 * object once; raw pages carry metadata.continue until the last; every page reads the
 * snapshot of the first (objects created meanwhile do not appear); a garbled token is a 400
 * and one whose snapshot was compacted a 410 that offers an inconsistent continuation.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiFor, type Api } from '../support/api.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

const HISTORY_WINDOW = 64;
const NS = 'paged';
const CMS = `/api/v1/namespaces/${NS}/configmaps`;
const NAMES = ['cm-a', 'cm-b', 'cm-c', 'cm-d', 'cm-e', 'cm-f', 'cm-g'];
/** What the namespace lists: the test's ConfigMaps and the root CA one kube-controller-manager publishes in every namespace. */
const LISTED = [...NAMES, 'kube-root-ca.crt'];

interface Page {
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: Array<{ metadata: { name: string } }>;
}

describe('pagination', () => {
  let s: TestSkiff;
  let api: Api;
  const page = async (query: string) => {
    const r = await api.get<Page>(`${CMS}?${query}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };

  before(async () => {
    s = await startTestSkiff({ historyWindow: HISTORY_WINDOW });
    api = apiFor({ apiServer: s.skiff.info.apiServer, dataDir: s.dataDir });
    await s.kubectl.ok(['create', 'namespace', NS]);
    // Created out of order: lists come back sorted by name.
    for (const name of [...NAMES].reverse()) await s.kubectl.ok(['-n', NS, 'create', 'configmap', name, '--from-literal=a=1']);
    await s.kubectl.ok(['-n', NS, 'wait', '--for=create', '--timeout=30s', 'configmap/kube-root-ca.crt']);
  });
  after(async () => {
    await s?.stop();
  });

  it('kubectl get --chunk-size=2 prints every object once, in order, under one header', async () => {
    const out = await s.kubectl.ok(['-n', NS, 'get', 'cm', '--chunk-size=2']);
    const lines = out.trimEnd().split('\n');
    assert.match(lines[0]!, /^NAME\s+DATA\s+AGE$/);
    assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/)[0]), LISTED);
    assert.equal(await s.kubectl.ok(['-n', NS, 'get', 'cm', '--chunk-size=3', '-o', 'name']), LISTED.map((n) => `configmap/${n}\n`).join(''));
    const json = JSON.parse(await s.kubectl.ok(['-n', NS, 'get', 'cm', '--chunk-size=2', '-o', 'json'])) as Page;
    assert.deepEqual(json.items.map((i) => i.metadata.name), LISTED);
  });

  it('follows metadata.continue through every page: each object exactly once', async () => {
    const first = await page('limit=2');
    assert.deepEqual(first.items.map((i) => i.metadata.name), ['cm-a', 'cm-b']);
    assert.ok(first.metadata.continue, 'a limited page that is not the last carries a continue token');
    const seen = first.items.map((i) => i.metadata.name);
    let token: string | undefined = first.metadata.continue;
    let pages = 1;
    while (token) {
      const next = await page(`limit=2&continue=${encodeURIComponent(token)}`);
      assert.equal(next.metadata.resourceVersion, first.metadata.resourceVersion, 'every page reads the first page\'s snapshot');
      seen.push(...next.items.map((i) => i.metadata.name));
      token = next.metadata.continue;
      pages++;
    }
    assert.deepEqual(seen, LISTED);
    assert.equal(pages, 4);
    const all = await page('limit=8');
    assert.equal(all.metadata.continue, undefined, 'no token when nothing is left');
  });

  it('keeps the snapshot: objects written after the first page do not appear in later pages', async () => {
    const first = await page('limit=3');
    await s.kubectl.ok(['-n', NS, 'create', 'configmap', 'cm-late', '--from-literal=a=1']);
    await s.kubectl.ok(['-n', NS, 'delete', 'configmap', 'cm-f']);
    const rest = await page(`continue=${encodeURIComponent(first.metadata.continue!)}`);
    assert.deepEqual([...first.items, ...rest.items].map((i) => i.metadata.name), LISTED);
    await s.kubectl.ok(['-n', NS, 'delete', 'configmap', 'cm-late']);
    await s.kubectl.ok(['-n', NS, 'create', 'configmap', 'cm-f', '--from-literal=a=1']);
  });

  it('applies selectors before the limit', async () => {
    await s.kubectl.ok(['-n', NS, 'label', 'cm', 'cm-b', 'cm-e', 'cm-g', 'pick=yes']);
    const first = await page('limit=2&labelSelector=pick%3Dyes');
    assert.deepEqual(first.items.map((i) => i.metadata.name), ['cm-b', 'cm-e']);
    const rest = await page(`limit=2&labelSelector=pick%3Dyes&continue=${encodeURIComponent(first.metadata.continue!)}`);
    assert.deepEqual(rest.items.map((i) => i.metadata.name), ['cm-g']);
    assert.match(await s.kubectl.ok(['-n', NS, 'get', 'cm', '-l', 'pick=yes', '--chunk-size=1', '-o', 'name']), /^configmap\/cm-b\nconfigmap\/cm-e\nconfigmap\/cm-g\n$/);
  });

  it('answers a garbled continue token with 400 Bad Request', async () => {
    const r = await api.get(`${CMS}?limit=2&continue=garbage!`);
    assert.equal(r.status, 400);
    assert.equal(r.body.reason, 'BadRequest');
    assert.equal(r.body.message, 'invalid continue token: continue key is not valid: illegal base64 data at input byte 7');
    const version = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v9', rv: 5, start: 'x' })).toString('base64url');
    const v = await api.get(`${CMS}?limit=2&continue=${version}`);
    assert.equal(v.status, 400);
    assert.equal(v.body.message, 'invalid continue token: continue key is not valid: server does not recognize this encoded version meta.k8s.io/v9');
    const withRv = await api.get(`${CMS}?limit=2&resourceVersion=5&continue=${encodeURIComponent((await page('limit=2')).metadata.continue!)}`);
    assert.equal(withRv.status, 400);
    assert.equal(withRv.body.message, 'specifying resource version is not allowed when using continue');
    const k = await s.kubectl(['-n', NS, 'get', '--raw', `${CMS}?limit=1&continue=%25%25`]);
    assert.equal(k.code, 1);
    assert.match(k.stderr, /Error from server \(BadRequest\): invalid continue token: continue key is not valid/);
  });

  it('answers a token whose snapshot was compacted with 410 Expired and an inconsistent continuation', async () => {
    const first = await page('limit=2');
    for (let i = 0; i < HISTORY_WINDOW + 5; i++) assert.equal((await api.request('PATCH', `${CMS}/cm-a`, { data: { round: String(i) } }, { 'Content-Type': 'application/merge-patch+json' })).status, 200);
    const r = await api.get<{ reason: string; code: number; message: string; metadata: { continue?: string } }>(`${CMS}?limit=2&continue=${encodeURIComponent(first.metadata.continue!)}`);
    assert.equal(r.status, 410);
    assert.equal(r.body.reason, 'Expired');
    assert.equal(r.body.message, 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
    assert.ok(r.body.metadata.continue, 'the Status offers a token that continues at the latest revision');
    const rest = await page(`limit=10&continue=${encodeURIComponent(r.body.metadata.continue!)}`);
    assert.deepEqual(rest.items.map((i) => i.metadata.name), LISTED.slice(2));
  });
});
