/**
 * resourceVersion and generation as a real cluster keeps them: every write bumps the
 * resourceVersion, a no-op write does not, a stale one is a 409 (PUT or a PATCH carrying
 * metadata.resourceVersion); generation starts at 1 for CRs and Deployments, moves on spec
 * changes only, and ConfigMaps have none.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiFor, type Api } from '../support/api.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { installWidgetCrd, widget } from '../support/widget-crd.ts';

const CONFLICT = 'the object has been modified; please apply your changes to the latest version and try again';

describe('resourceVersion and generation', () => {
  let s: TestSkiff;
  let api: Api;
  const json = async (...args: string[]) => JSON.parse(await s.kubectl.ok(['get', ...args, '-o', 'json'])) as { metadata: { resourceVersion: string; generation?: number; labels?: object }; status?: Record<string, unknown> };
  const rv = async (...args: string[]) => Number((await json(...args)).metadata.resourceVersion);
  const generation = async (...args: string[]) => (await json(...args)).metadata.generation;

  before(async () => {
    s = await startTestSkiff();
    api = apiFor({ apiServer: s.skiff.info.apiServer, dataDir: s.dataDir });
    await installWidgetCrd(s.kubectl);
  });
  after(async () => {
    await s?.stop();
  });

  it('bumps resourceVersion on every write and keeps it on a no-op write', async () => {
    await s.kubectl.ok(['create', 'configmap', 'rv', '--from-literal=a=1']);
    const seen = [await rv('cm', 'rv')];
    const writes: string[][] = [
      ['label', 'cm', 'rv', 'l=1'],
      ['annotate', 'cm', 'rv', 'n=1'],
      ['patch', 'cm', 'rv', '-p', '{"data":{"b":"2"}}'],
      ['patch', 'cm', 'rv', '--type=json', '-p', '[{"op":"add","path":"/data/c","value":"3"}]'],
      ['label', 'cm', 'rv', 'l-'],
    ];
    for (const w of writes) {
      await s.kubectl.ok(w);
      seen.push(await rv('cm', 'rv'));
    }
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! > seen[i - 1]!, `write ${writes[i - 1]!.join(' ')} must bump the resourceVersion: ${seen.join(' → ')}`);

    // The list's resourceVersion is the store's: at least the newest object's.
    const list = (await api.get<{ metadata: { resourceVersion: string } }>('/api/v1/namespaces/default/configmaps')).body;
    assert.ok(Number(list.metadata.resourceVersion) >= seen.at(-1)!);

    // A write that changes nothing is not a write.
    assert.match(await s.kubectl.ok(['patch', 'cm', 'rv', '-p', '{"data":{"b":"2"}}']), /configmap\/rv patched \(no change\)/);
    const noop = await api.request('PATCH', '/api/v1/namespaces/default/configmaps/rv', { metadata: { labels: {} } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(noop.status, 200);
    assert.equal(Number((noop.body.metadata as { resourceVersion: string }).resourceVersion), seen.at(-1));
  });

  it('answers a PUT with a stale resourceVersion with 409 Conflict', async () => {
    await s.kubectl.ok(['create', 'configmap', 'stale', '--from-literal=a=1']);
    const old = JSON.parse(await s.kubectl.ok(['get', 'cm', 'stale', '-o', 'json'])) as { data: Record<string, string> };
    await s.kubectl.ok(['label', 'cm', 'stale', 'moved=on']);
    old.data.a = '2';
    const r = await s.kubectl(['replace', '-f', '-'], { stdin: JSON.stringify(old) });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), `Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on configmaps "stale": ${CONFLICT}`);
    assert.equal(JSON.parse(await s.kubectl.ok(['get', 'cm', 'stale', '-o', 'json'])).data.a, '1', 'the stale write changed nothing');

    const raw = await api.request('PUT', '/api/v1/namespaces/default/configmaps/stale', old);
    assert.equal(raw.status, 409);
    assert.deepEqual(
      { kind: raw.body.kind, status: raw.body.status, reason: raw.body.reason, code: raw.body.code, details: raw.body.details },
      { kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409, details: { name: 'stale', kind: 'configmaps' } },
    );
    assert.equal(raw.body.message, `Operation cannot be fulfilled on configmaps "stale": ${CONFLICT}`);
  });

  it('answers a PATCH whose body carries a stale metadata.resourceVersion with 409', async () => {
    await s.kubectl.ok(['create', 'configmap', 'patchy', '--from-literal=a=1']);
    const first = await rv('cm', 'patchy');
    await s.kubectl.ok(['label', 'cm', 'patchy', 'moved=on']);
    for (const [type, patch] of [
      ['merge', `{"metadata":{"resourceVersion":"${first}"},"data":{"a":"2"}}`],
      ['strategic', `{"metadata":{"resourceVersion":"${first}"},"data":{"a":"2"}}`],
      ['json', `[{"op":"replace","path":"/metadata/resourceVersion","value":"${first}"},{"op":"replace","path":"/data/a","value":"2"}]`],
    ] as const) {
      const r = await s.kubectl(['patch', 'cm', 'patchy', `--type=${type}`, '-p', patch]);
      assert.equal(r.code, 1, `${type} patch`);
      assert.equal(r.stderr.trim(), `Error from server (Conflict): Operation cannot be fulfilled on configmaps "patchy": ${CONFLICT}`, `${type} patch`);
    }
    // The current resourceVersion is a precondition that holds.
    const now = await rv('cm', 'patchy');
    await s.kubectl.ok(['patch', 'cm', 'patchy', '--type=merge', '-p', `{"metadata":{"resourceVersion":"${now}"},"data":{"a":"3"}}`]);
    assert.equal(JSON.parse(await s.kubectl.ok(['get', 'cm', 'patchy', '-o', 'json'])).data.a, '3');
  });

  it('requires custom resources to name the resourceVersion they replace', async () => {
    await s.kubectl.ok(['create', '-f', '-'], { stdin: widget('uncond', { size: 1 }) });
    const r = await api.request('PUT', '/apis/example.com/v1/namespaces/default/widgets/uncond', JSON.parse(widget('uncond', { size: 2 })));
    assert.equal(r.status, 422);
    assert.equal(r.body.message, 'widgets.example.com "uncond" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
  });

  it('sets generation 1 on create and bumps it on spec changes only (custom resource)', async () => {
    await s.kubectl.ok(['create', '-f', '-'], { stdin: widget('gen', { size: 1 }) });
    assert.equal(await generation('widget', 'gen'), 1);
    await s.kubectl.ok(['label', 'widget', 'gen', 'a=b']);
    await s.kubectl.ok(['annotate', 'widget', 'gen', 'a=b']);
    await s.kubectl.ok(['patch', 'widget', 'gen', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Running"}}']);
    assert.equal(await generation('widget', 'gen'), 1, 'metadata and status writes leave generation alone');
    await s.kubectl.ok(['patch', 'widget', 'gen', '--type=merge', '-p', '{"spec":{"size":2}}']);
    assert.equal(await generation('widget', 'gen'), 2);
    await s.kubectl.ok(['patch', 'widget', 'gen', '--type=merge', '-p', '{"spec":{"color":"blue","owner":"me"}}']);
    assert.equal(await generation('widget', 'gen'), 3, 'one write is one bump');
    await s.kubectl.ok(['patch', 'widget', 'gen', '--type=merge', '-p', '{"spec":{"color":"blue"}}']);
    assert.equal(await generation('widget', 'gen'), 3, 'a spec write that changes nothing does not bump');
  });

  it('sets generation 1 on create and bumps it on spec changes only (Deployment)', async () => {
    await s.kubectl.ok(['create', 'deployment', 'gen', '--image=nginx', '--replicas=1']);
    assert.equal(await generation('deploy', 'gen'), 1);
    await s.kubectl.ok(['label', 'deploy', 'gen', 'a=b']);
    await s.kubectl.ok(['annotate', 'deploy', 'gen', 'a=b']);
    await s.kubectl.ok(['patch', 'deploy', 'gen', '--subresource=status', '--type=merge', '-p', '{"status":{"observedGeneration":1}}']);
    assert.equal(await generation('deploy', 'gen'), 1);
    await s.kubectl.ok(['patch', 'deploy', 'gen', '-p', '{"spec":{"replicas":3}}']);
    assert.equal(await generation('deploy', 'gen'), 2);
    await s.kubectl.ok(['set', 'image', 'deploy/gen', 'nginx=nginx:2']);
    assert.equal(await generation('deploy', 'gen'), 3);
  });

  it('gives a ConfigMap no generation', async () => {
    await s.kubectl.ok(['create', 'configmap', 'nogen', '--from-literal=a=1']);
    await s.kubectl.ok(['patch', 'cm', 'nogen', '-p', '{"data":{"a":"2"}}']);
    assert.equal(await generation('cm', 'nogen'), undefined);
  });
});
