/**
 * What a DELETE answers, as kube-apiserver does: a Success Status for most kinds removed
 * at once, the object for pods/services/serviceaccounts, the terminating object while
 * finalizers hold it — 200, or 202 when `orphanDependents: false` was asked for.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiFor, type Api } from '../support/api.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

const CMS = '/api/v1/namespaces/default/configmaps';

describe('DELETE responses', () => {
  let s: TestSkiff;
  let api: Api;
  const create = async (path: string, body: unknown) => {
    const r = await api.request<{ metadata: { uid: string } }>('POST', path, body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };

  before(async () => {
    s = await startTestSkiff();
    api = apiFor({ apiServer: s.skiff.info.apiServer, dataDir: s.dataDir });
  });
  after(async () => {
    await s?.stop();
  });

  it('answers an immediate deletion of a ConfigMap or Deployment with a Success Status', async () => {
    const cm = await create(CMS, { metadata: { name: 'gone' } });
    const r = await api.request('DELETE', `${CMS}/gone`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'gone', kind: 'configmaps', uid: cm.metadata.uid } });
    const dryRun = await create(CMS, { metadata: { name: 'kept' } });
    const d = await api.request('DELETE', `${CMS}/kept?dryRun=All`);
    assert.equal(d.status, 200);
    assert.deepEqual(d.body.details, { name: 'kept', kind: 'configmaps', uid: dryRun.metadata.uid });
  });

  it('returns the object for a Service', async () => {
    await create('/api/v1/namespaces/default/services', { metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }] } });
    const r = await api.request<{ kind: string; metadata: { name: string } }>('DELETE', '/api/v1/namespaces/default/services/svc');
    assert.equal(r.status, 200);
    assert.equal(r.body.kind, 'Service');
    assert.equal(r.body.metadata.name, 'svc');
  });

  it('answers a deletion held by a finalizer with the terminating object: 200, or 202 for orphanDependents=false', async () => {
    for (const [name, options, code] of [['held', undefined, 200], ['held-202', { orphanDependents: false }, 202]] as const) {
      await create(CMS, { metadata: { name, finalizers: ['example.com/hold'] } });
      // A DeleteOptions body with its length, as Go clients send it.
      const body = options ? JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', ...options }) : undefined;
      const r = await api.request<{ kind: string; metadata: { deletionTimestamp?: string } }>('DELETE', `${CMS}/${name}`, body, body ? { 'Content-Length': String(Buffer.byteLength(body)) } : {});
      assert.equal(r.status, code, JSON.stringify(r.body));
      assert.equal(r.body.kind, 'ConfigMap');
      assert.ok(r.body.metadata.deletionTimestamp);
      assert.equal((await api.request('PATCH', `${CMS}/${name}`, { metadata: { finalizers: null } }, { 'Content-Type': 'application/merge-patch+json' })).status, 200);
    }
  });
});
