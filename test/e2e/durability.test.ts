/**
 * Issue 3, item 11: what skiff promises about its store, checked on a real `skiff up` child
 * process driven over HTTPS with the kubeconfig's CA and token.
 *  - kill -9 in the middle of a write storm loses no acknowledged write, and the next `up`
 *    on the same data directory takes over the stale lock and serves everything;
 *  - a torn last WAL record is dropped, logged, and everything before it survives;
 *  - on etcd (`--store etcd://…`) kubectl CRUD and watch work, and two API servers sharing
 *    one etcd see each other's writes and agree on resourceVersions.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEtcd, type TestEtcd } from '../support/etcd.ts';
import { kubeHttpFor, type KubeHttp } from '../support/kube-http.ts';
import { kubectlFor } from '../support/kubectl.ts';
import { startKubectlStream } from '../support/kubectl-stream.ts';
import { startSkiffProcess, type SkiffProcess } from '../support/skiff-process.ts';

const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';
const WRITERS = 24;
const ACKS_BEFORE_KILL = 1500;

interface Acknowledged {
  step: number;
  resourceVersion: number;
}

interface ConfigMapBody {
  metadata: { name: string; resourceVersion: string };
  data?: Record<string, string>;
}

const dirs: string[] = [];
const processes: SkiffProcess[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
async function up(dataDir: string, store?: string): Promise<SkiffProcess> {
  const p = await startSkiffProcess({ dataDir, ...(store === undefined ? {} : { store }) });
  processes.push(p);
  return p;
}
after(async () => {
  for (const p of processes) await p.kill9();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function configMap(name: string, step: number, resourceVersion?: string) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(resourceVersion === undefined ? {} : { resourceVersion }) }, data: { step: String(step) } };
}

/**
 * WRITERS clients each create ConfigMaps and update each one once, until the process dies
 * under them. Every 2xx answer is recorded with its step and resourceVersion; a client stops
 * at its first failure (the connection reset by the kill).
 */
async function writeStorm(http: KubeHttp, onAck: (count: number) => void): Promise<Map<string, Acknowledged>> {
  const acknowledged = new Map<string, Acknowledged>();
  let acks = 0;
  const ack = (body: ConfigMapBody, step: number) => {
    acknowledged.set(body.metadata.name, { step, resourceVersion: Number(body.metadata.resourceVersion) });
    onAck(++acks);
  };
  await Promise.all(Array.from({ length: WRITERS }, async (_, writer) => {
    try {
      for (let i = 0; ; i++) {
        const name = `storm-${writer}-${i}`;
        const created = await http.request('POST', CONFIGMAPS, configMap(name, 0));
        if (created.status !== 201) return;
        const body = created.body as ConfigMapBody;
        ack(body, 0);
        const updated = await http.request('PUT', `${CONFIGMAPS}/${name}`, configMap(name, 1, body.metadata.resourceVersion));
        if (updated.status !== 200) return;
        ack(updated.body as ConfigMapBody, 1);
      }
    } catch {
      // the server went away mid-request: this write was never acknowledged
    }
  }));
  return acknowledged;
}

/** Names whose stored state is older than what was acknowledged, with what was found. */
async function lostWrites(http: KubeHttp, acknowledged: Map<string, Acknowledged>): Promise<string[]> {
  const lost: string[] = [];
  const names = [...acknowledged.keys()];
  for (let i = 0; i < names.length; i += 64) {
    await Promise.all(names.slice(i, i + 64).map(async (name) => {
      const want = acknowledged.get(name)!;
      const got = await http.request('GET', `${CONFIGMAPS}/${name}`);
      const body = got.body as ConfigMapBody;
      const step = got.status === 200 ? Number(body.data?.step) : -1;
      const rv = got.status === 200 ? Number(body.metadata.resourceVersion) : -1;
      // A later write in flight at the kill may have landed (higher step); the acknowledged one must have.
      if (step < want.step || (step === want.step && rv !== want.resourceVersion)) {
        lost.push(`${name}: acknowledged step ${want.step} at rv ${want.resourceVersion}, found ${got.status === 200 ? `step ${step} at rv ${rv}` : `HTTP ${got.status}`}`);
      }
    }));
  }
  return lost;
}

describe('embedded store durability through skiff up', () => {
  it('loses no acknowledged write to kill -9 mid-storm; the next up takes over the stale lock', { timeout: 180_000 }, async () => {
    const dataDir = tempDir('skiff-durability-');
    const first = await up(dataDir);
    const http = await kubeHttpFor(first.info.kubeconfig, { connections: WRITERS });
    let killed: Promise<void> | undefined;
    const acknowledged = await writeStorm(http, (count) => {
      if (count >= ACKS_BEFORE_KILL) killed ??= first.kill9();
    });
    await killed;
    await http.close();
    assert.ok(acknowledged.size >= ACKS_BEFORE_KILL / 2, `only ${acknowledged.size} writes were acknowledged before the kill`);

    const second = await up(dataDir);
    assert.notEqual(second.pid, first.pid);
    const instance = JSON.parse(await readFile(join(dataDir, 'skiff.json'), 'utf8')) as { pid: number };
    assert.equal(instance.pid, second.pid, 'skiff.json names the new instance');
    assert.equal((await readFile(join(dataDir, 'skiff.lock'), 'utf8')).split('\n')[0], String(second.pid), 'the stale lock was taken over');
    assert.ok(second.logLines().some((line) => line.msg === 'embedded store recovered'), 'the store recovered');

    const verify = await kubeHttpFor(second.info.kubeconfig, { connections: 8 });
    try {
      assert.deepEqual(await lostWrites(verify, acknowledged), [], 'acknowledged writes lost after kill -9');
    } finally {
      await verify.close();
    }
    const listed = new Set((await kubectlFor(second.info.kubeconfig).ok(['get', 'cm', '-o', 'name'])).trim().split('\n'));
    const missing = [...acknowledged.keys()].filter((name) => !listed.has(`configmap/${name}`));
    assert.deepEqual(missing, [], 'kubectl get cm lists every acknowledged ConfigMap');
    await second.stop();
  });

  it('drops a torn last WAL record on the next up, logs it, and keeps everything before it', { timeout: 120_000 }, async () => {
    const dataDir = tempDir('skiff-torn-');
    const first = await up(dataDir);
    const http = await kubeHttpFor(first.info.kubeconfig, { connections: 1 });
    const acknowledged = new Map<string, Acknowledged>();
    for (let i = 0; i < 20; i++) {
      const created = await http.request('POST', CONFIGMAPS, configMap(`torn-${i}`, 0));
      assert.equal(created.status, 201);
      acknowledged.set(`torn-${i}`, { step: 0, resourceVersion: Number((created.body as ConfigMapBody).metadata.resourceVersion) });
    }
    await http.close();
    await first.kill9();

    const torn = await tearLastRecord(join(dataDir, 'store'), 3);
    const second = await up(dataDir);
    const warning = second.logLines().find((line) => /dropped a torn tail/.test(String(line.msg)));
    assert.ok(warning !== undefined, 'skiff logs the dropped torn tail');
    assert.equal(warning.level, 40);
    assert.match(String(warning.msg), new RegExp(`dropped a torn tail of ${torn.recordBytes - 3} bytes at offset ${torn.offset} of ${torn.file}`));

    // Everything before the torn record survives; what the torn record wrote is gone.
    const before = new Map([...acknowledged].filter(([, ack]) => ack.resourceVersion < torn.firstRevision));
    const inTornRecord = [...acknowledged].filter(([, ack]) => ack.resourceVersion >= torn.firstRevision);
    assert.ok(before.size >= 19, `the torn record held ${inTornRecord.length} of the 20 writes`);
    const verify = await kubeHttpFor(second.info.kubeconfig, { connections: 4 });
    try {
      assert.deepEqual(await lostWrites(verify, before), []);
      for (const [name] of inTornRecord) assert.equal((await verify.request('GET', `${CONFIGMAPS}/${name}`)).status, 404, `${name} was only in the torn record`);
      const after = await verify.request('POST', CONFIGMAPS, configMap('after-recovery', 0));
      assert.equal(after.status, 201, 'skiff accepts writes after recovery');
    } finally {
      await verify.close();
    }
    await second.stop();
  });
});

interface TornRecord {
  file: string;
  offset: number;
  recordBytes: number;
  /** Lowest revision the record wrote. */
  firstRevision: number;
}

/**
 * Cuts `bytes` off the end of the newest log segment, whose last record is the last batch
 * skiff wrote. Records are `u32 length │ u32 CRC │ JSON payload` (docs/store.md); a batch
 * payload is an array of operations carrying their revision `r`.
 */
async function tearLastRecord(storeDir: string, bytes: number): Promise<TornRecord> {
  const segments = (await readdir(storeDir)).filter((name) => /^wal-\d+\.log$/.test(name)).sort();
  const file = segments.at(-1)!;
  const path = join(storeDir, file);
  const data = await readFile(path);
  let offset = 0;
  let last = 0;
  while (offset < data.length) {
    last = offset;
    offset += 8 + data.readUInt32LE(offset);
  }
  assert.equal(offset, data.length, 'the log ends on a record boundary after a kill -9 between batches');
  assert.ok(last > 0, 'the segment has a batch after its header');
  const ops = JSON.parse(data.subarray(last + 8).toString('utf8')) as Array<{ r: number }>;
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(data.length - bytes);
  } finally {
    await handle.close();
  }
  assert.equal((await stat(path)).size, data.length - bytes);
  return { file, offset: last, recordBytes: data.length - last, firstRevision: Math.min(...ops.map((op) => op.r)) };
}

describe('skiff on an etcd store', () => {
  let etcd: TestEtcd | undefined;
  after(async () => {
    await etcd?.stop();
  });

  it('serves kubectl CRUD and watch, and two API servers sharing one etcd see each other', { timeout: 180_000 }, async () => {
    etcd = await startEtcd();
    const [a, b] = await Promise.all([up(tempDir('skiff-etcd-a-'), etcd.url), up(tempDir('skiff-etcd-b-'), etcd.url)]);
    assert.equal(a.info.store, etcd.url);
    const kubectlA = kubectlFor(a.info.kubeconfig);
    const kubectlB = kubectlFor(b.info.kubeconfig);

    // CRUD through A.
    await kubectlA.ok(['create', 'namespace', 'shared']);
    assert.match(await kubectlA.ok(['-n', 'shared', 'create', 'configmap', 'one', '--from-literal=k=v1']), /configmap\/one created/);
    assert.match(await kubectlA.ok(['-n', 'shared', 'get', 'cm', 'one']), /^one\s+1\s+\d+s$/m);
    await kubectlA.ok(['-n', 'shared', 'patch', 'cm', 'one', '--type', 'merge', '-p', '{"data":{"k":"v2"}}']);
    assert.equal(await kubectlA.ok(['-n', 'shared', 'get', 'cm', 'one', '-o', 'jsonpath={.data.k}']), 'v2');
    await kubectlA.ok(['-n', 'shared', 'apply', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\ndata: {k: applied}\n' });

    // B sees A's writes and agrees on their resourceVersions.
    const viaA = JSON.parse(await kubectlA.ok(['-n', 'shared', 'get', 'cm', 'one', '-o', 'json'])) as ConfigMapBody;
    const viaB = JSON.parse(await kubectlB.ok(['-n', 'shared', 'get', 'cm', 'one', '-o', 'json'])) as ConfigMapBody;
    assert.deepEqual(viaB, viaA);
    assert.equal(await kubectlB.ok(['-n', 'shared', 'get', 'cm', 'two', '-o', 'jsonpath={.data.k}']), 'applied');

    // A write through B makes A's copy stale: A's update with the old resourceVersion conflicts.
    await kubectlB.ok(['-n', 'shared', 'label', 'cm', 'one', 'by=b']);
    const stale = { ...viaA, data: { k: 'stale' } };
    const conflict = await kubectlA(['-n', 'shared', 'replace', '-f', '-'], { stdin: JSON.stringify(stale) });
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /the object has been modified; please apply your changes to the latest version and try again/);

    // A watch on B receives what A writes.
    const watch = startKubectlStream(b.info.kubeconfig, ['-n', 'shared', 'get', 'cm', '--watch', '--output-watch-events', '-o', 'custom-columns=EVENT:.type,NAME:.object.metadata.name,K:.object.data.k']);
    try {
      await watch.waitFor(/^ADDED\s+two\s+applied$/m);
      await kubectlA.ok(['-n', 'shared', 'create', 'configmap', 'three', '--from-literal=k=new']);
      await kubectlA.ok(['-n', 'shared', 'patch', 'cm', 'two', '--type', 'merge', '-p', '{"data":{"k":"patched"}}']);
      await kubectlA.ok(['-n', 'shared', 'delete', 'cm', 'one']);
      await watch.waitFor(/^ADDED\s+three\s+new$[\s\S]*^MODIFIED\s+two\s+patched$[\s\S]*^DELETED\s+one\s+/m);
    } finally {
      await watch.stop();
    }
    const remaining = await kubectlB.ok(['-n', 'shared', 'get', 'cm', '-o', 'name']);
    assert.deepEqual(remaining.trim().split('\n').filter((n) => n !== 'configmap/kube-root-ca.crt'), ['configmap/three', 'configmap/two']);
    await kubectlB.ok(['-n', 'shared', 'delete', 'cm', 'two', 'three']);
    assert.equal((await kubectlA(['-n', 'shared', 'get', 'cm', 'two'])).code, 1);

    await Promise.all([a.stop(), b.stop()]);
  });
});
