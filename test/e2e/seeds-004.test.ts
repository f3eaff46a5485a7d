/**
 * Seed 004 (Service Mesh federation, in Chinese): every example and command in order against a
 * real skiff with the real kubectl — the federation SMCP with additional ingress and egress
 * gateways, ServiceMeshPeer, ExportedServiceSet and ImportedServiceSet (names, labels,
 * wildcards, aliases, importAsLocal, locality), the locality-failover DestinationRule — into
 * the namespaces the document names, created first as a user would. `oc project` switches the
 * namespace of the shell's context (seeds-shell.ts), so the commands without `-n` read the
 * project the document switched to. Status blocks stay empty: the federation controller that
 * fills them does not exist yet, so the example `status:` outputs are not compared.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { extractSteps, placeholdersIn, readSeed, type SeedCommand, type SeedYaml } from '../support/seeds.ts';
import { seedShell, type SeedShell } from '../support/seeds-shell.ts';
import { summarize, walkSeed, type WalkEntry } from '../support/seeds-walk.ts';
import { FEDERATION_PLACEHOLDERS, federationExcerpt, federationPrepare, federationSkip, instanceOf } from '../support/seeds-federation.ts';

describe('seed 004: Service Mesh federation, verbatim', () => {
  let s: TestSkiff;
  let shell: SeedShell;
  let transcript: WalkEntry[];
  let namespaces: string[];
  const seed = readSeed('004');
  const steps = extractSteps(seed);
  const entry = (line: number, action: WalkEntry['action'] = 'run') => {
    const found = transcript.find((e) => e.line === line && e.action === action);
    assert.ok(found, `no ${action} step at line ${line}`);
    return { ...summarize(found), stdout: found.stdout.replace(/https:\/\/127\.0\.0\.1:\d+/g, '<server>') };
  };
  const printed = (line: number, stdout: string, action: WalkEntry['action'] = 'run', warnings: string[] = []) =>
    assert.deepEqual(entry(line, action), { line, action, code: 0, stdout, warnings, stderr: '' });
  const specOfExample = (line: number) => (parse((steps.find((st) => st.type === 'yaml' && st.line === line) as SeedYaml).text) as { spec: unknown }).spec;
  const readBack = (line: number) => parse(entry(line).stdout) as { metadata: { name: string; namespace: string }; spec: unknown; status?: unknown };

  before(async () => {
    s = await startTestSkiff();
    shell = seedShell(s.skiff.info.kubeconfig);
    // The namespaces the examples live in and the commands name with -n.
    const named = new Set<string>();
    for (const st of steps) {
      if (st.type === 'yaml' && st.shape === 'object') {
        const ns = (parse(st.text) as { metadata?: { namespace?: string } }).metadata?.namespace;
        if (ns) named.add(ns);
      }
      if (st.type === 'command' && placeholdersIn(st.text).length === 0) for (const m of st.text.matchAll(/-n (\S+)/g)) named.add(m[1]!);
    }
    namespaces = [...named];
    for (const ns of namespaces) assert.equal((await shell.run(`kubectl create namespace ${ns}`)).code, 0, ns);
    transcript = await walkSeed(steps, shell, {
      placeholders: FEDERATION_PLACEHOLDERS,
      skip: federationSkip(steps),
      prepare: federationPrepare(steps),
      // `oc edit` opens an editor; each step's changes are already in the object (the document
      // showed the edited object as an example first), so the reader saves it unchanged.
      envFor: (c) => (c.text.startsWith('oc edit') ? { KUBE_EDITOR: 'true' } : undefined),
      excerptOf: federationExcerpt,
    });
  });
  after(async () => {
    shell?.close();
    await s?.stop();
  });

  it('creates the namespaces the document uses', () => {
    assert.deepEqual(namespaces.sort(), ['blue-mesh-system', 'green-mesh-system', 'info', 'red-mesh-system']);
  });

  it('walks the whole document: the parameter tables are fragments, the rest runs or says why not', () => {
    const fragments = transcript.filter((e) => e.action === 'skip' && /fragment/.test(e.reason ?? ''));
    assert.deepEqual(fragments.map((e) => e.line), [115, 232, 242, 263, 271, 283, 294, 305, 317, 329, 336, 348, 359, 371, 383, 395, 407, 459, 562, 569, 576, 583, 591, 599, 607, 615, 623, 631, 775, 782, 788, 796, 806, 817, 829, 1004, 1010, 1016, 1024, 1034, 1043, 1227]);
    assert.deepEqual(transcript.filter((e) => !fragments.includes(e)).map((e) => `${e.line} ${e.action}`), [
      '157 apply', '425 complete', '447 complete', '489 skip', '492 run', '496 run', '499 run', '538 apply', '657 skip', '660 run',
      '688 prepare', '688 run', '691 run', '695 skip', '744 apply', '850 apply', '864 apply', '896 skip', '899 run', '925 skip',
      '929 prepare', '929 run', '933 skip', '937 run', '940 run', '944 run', '948 skip', '983 apply', '1059 apply', '1074 apply',
      '1107 skip', '1110 run', '1133 skip', '1137 prepare', '1137 run', '1141 skip', '1145 run', '1148 run', '1152 run', '1154 skip',
      '1190 apply', '1237 skip', '1240 skip', '1244 run', '1247 skip', '1251 run', '1269 skip', '1272 skip', '1276 run', '1302 skip',
      '1306 run',
    ]);
    for (const line of [489, 657, 896, 1107, 1237, 1269]) assert.match(transcript.find((e) => e.line === line)!.reason!, /kubeconfig already carries the credentials/);
    for (const line of [695, 948, 1154]) assert.equal(transcript.find((e) => e.line === line)!.reason, 'example output');
  });

  it('the generic commands are the document\'s own examples with the placeholders filled', () => {
    const commands = steps.filter((st): st is SeedCommand => st.type === 'command');
    const runs = (line: number) => transcript.find((e) => e.line === line && e.action === 'run')?.command;
    const bindings = commands.filter((c) => placeholdersIn(c.text).length > 0 && !c.text.startsWith('oc login')).map((c) => {
      const next = commands[commands.indexOf(c) + 1]!;
      return [c.line, instanceOf(c.text, next.text) ? next.line : runs(c.line)];
    });
    assert.deepEqual(bindings, [
      [925, 929], [933, 937], [940, 'oc get exportedserviceset green-mesh -o yaml'], [1133, 1137], [1141, 1145],
      [1148, 'oc get importedserviceset green-mesh -o yaml'], [1240, 1244], [1247, 1251], [1272, 1276], [1302, 1306],
    ]);
    // The fill-ins of the commands run twice are those of the document's own examples.
    assert.equal(runs(940), runs(937));
    assert.equal(runs(1148), runs(1145));
  });

  it('§1.18.9: the federation SMCP applies; the NodePort and trust-domain excerpts complete it; oc project / edit / get smcp', async () => {
    printed(157, 'servicemeshcontrolplane.maistra.io/red-mesh created\n', 'apply');
    printed(425, 'servicemeshcontrolplane.maistra.io/red-mesh configured\n', 'complete');
    printed(447, 'servicemeshcontrolplane.maistra.io/red-mesh unchanged\n', 'complete');
    printed(492, 'Now using project "red-mesh-system" on server "<server>".\n');
    assert.deepEqual(entry(496), { line: 496, action: 'run', code: 0, stdout: '', warnings: [], stderr: 'Edit cancelled, no changes made.' });
    const table = entry(499).stdout.split('\n');
    assert.deepEqual(table[0]!.split(/\s+/), ['NAME', 'READY', 'STATUS', 'PROFILES', 'VERSION', 'AGE'], 'the columns of the document\'s example');
    assert.deepEqual(table[0]!.split(/\s+/), seed.split('\n').find((l) => /^\s+NAME\s+READY\s+STATUS/.test(l))!.trim().split(/\s+/));
    // The mesh controller is installing it (no image runs istiod in this suite, so it pauses there):
    // the row is Maistra's for whichever step the controller is at when kubectl reads it.
    assert.match(table[1]!, /^red-mesh\s+(ResourceCreated|\d\/4\s+PausingInstall\s+\["default"\])\s+(\d+[smhd])+$/);
    const smcp = JSON.parse(await s.kubectl.ok(['get', 'smcp', '-n', 'red-mesh-system', 'red-mesh', '-o', 'json'])) as { spec: { security: unknown; gateways: { additionalIngress: Record<string, { service: { type: string; ports: unknown[] } }>; additionalEgress: Record<string, unknown> } } };
    assert.deepEqual(smcp.spec.security, { trust: { domain: 'red-mesh.local' } });
    assert.deepEqual(Object.keys(smcp.spec.gateways.additionalEgress).sort(), ['egress-blue-mesh', 'egress-green-mesh']);
    assert.equal(smcp.spec.gateways.additionalIngress['ingress-green-mesh']!.service.type, 'NodePort');
    assert.deepEqual(smcp.spec.gateways.additionalIngress['ingress-green-mesh']!.service.ports, [{ port: 15443, nodePort: 30510, name: 'tls' }, { port: 8188, nodePort: 32359, name: 'https-discovery' }]);
    assert.equal(smcp.spec.gateways.additionalIngress['ingress-blue-mesh']!.service.type, 'LoadBalancer');
  });

  it('§1.18.10: the ServiceMeshPeer example applies; `oc create` creates it again; `oc get … -o yaml` reads it (no status yet)', () => {
    printed(538, 'servicemeshpeer.federation.maistra.io/green-mesh created\n', 'apply');
    printed(660, 'Now using project "red-mesh-system" on server "<server>".\n');
    printed(688, 'servicemeshpeer.federation.maistra.io "green-mesh" deleted\n', 'prepare');
    printed(688, 'servicemeshpeer.federation.maistra.io/green-mesh created\n');
    const peer = readBack(691);
    assert.deepEqual([peer.metadata.namespace, peer.metadata.name, peer.spec, peer.status], ['red-mesh-system', 'green-mesh', specOfExample(665), undefined]);
  });

  it('§1.18.11: the ExportedServiceSet examples apply; `oc create` and every `oc get` of it work', () => {
    printed(744, 'exportedserviceset.federation.maistra.io/green-mesh created\n', 'apply');
    printed(850, 'exportedserviceset.federation.maistra.io/blue-mesh created\n', 'apply');
    printed(864, 'exportedserviceset.federation.maistra.io/green-mesh configured\n', 'apply');
    printed(899, 'Now using project "red-mesh-system" on server "<server>".\n');
    printed(929, 'exportedserviceset.federation.maistra.io "green-mesh" deleted\n', 'prepare');
    printed(929, 'exportedserviceset.federation.maistra.io/green-mesh created\n');
    for (const line of [937, 940, 944]) {
      const set = readBack(line);
      assert.deepEqual([set.metadata.namespace, set.metadata.name, set.spec, set.status], ['red-mesh-system', 'green-mesh', specOfExample(904), undefined], `line ${line}`);
    }
  });

  it('§1.18.12: the ImportedServiceSet examples apply; `oc get importedserviceset green-mesh` is NotFound, as on a real cluster', () => {
    printed(983, 'importedserviceset.federation.maistra.io/red-mesh created\n', 'apply');
    printed(1059, 'importedserviceset.federation.maistra.io/red-mesh created\n', 'apply');
    printed(1074, 'importedserviceset.federation.maistra.io/red-mesh configured\n', 'apply');
    printed(1110, 'Now using project "green-mesh-system" on server "<server>".\n');
    printed(1137, 'importedserviceset.federation.maistra.io "red-mesh" deleted\n', 'prepare');
    printed(1137, 'importedserviceset.federation.maistra.io/red-mesh created\n');
    // The document's example names the set after the importing mesh; the set is named after the
    // exporting one (red-mesh), which line 1152 then reads.
    for (const line of [1145, 1148]) {
      assert.deepEqual(entry(line), { line, action: 'run', code: 1, stdout: '', warnings: [], stderr: 'Error from server (NotFound): importedservicesets.federation.maistra.io "green-mesh" not found' });
    }
    const set = readBack(1152);
    assert.deepEqual([set.metadata.namespace, set.metadata.name, set.spec, set.status], ['green-mesh-system', 'red-mesh', specOfExample(1115), undefined]);
  });

  it('§1.18.13: failover — the locality ImportedServiceSet, `oc edit -f`, the DestinationRule with outlier detection', async () => {
    // Created by `oc create` (no last-applied annotation), then applied: kubectl's own warning.
    printed(1190, 'importedserviceset.federation.maistra.io/red-mesh configured\n', 'apply', [
      'resource importedservicesets/red-mesh is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.',
    ]);
    printed(1244, 'Now using project "green-mesh-system" on server "<server>".\n');
    assert.deepEqual(entry(1251), { line: 1251, action: 'run', code: 0, stdout: '', warnings: [], stderr: 'Edit cancelled, no changes made.' });
    const set = JSON.parse(await s.kubectl.ok(['get', 'importedserviceset', '-n', 'green-mesh-system', 'red-mesh', '-o', 'json'])) as { spec: { importRules: { importAsLocal: boolean }[]; locality: unknown } };
    assert.deepEqual([set.spec.importRules[0]!.importAsLocal, set.spec.locality], [true, { region: 'us-west' }], 'what step 4 of the edit asks for');
    printed(1276, 'Now using project "green-mesh-system" on server "<server>".\n');
    printed(1306, 'destinationrule.networking.istio.io/default-failover created\n');
    const rule = await s.kubectl.ok(['get', 'destinationrule', '-n', 'info']);
    assert.match(rule, /^NAME\s+HOST\s+AGE\ndefault-failover\s+ratings\.info\.svc\.cluster\.local\s+(\d+[smhd])+\n$/);
  });
});
