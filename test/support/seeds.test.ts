import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SERVERLESS_PLACEHOLDERS, extractSteps, fillPlaceholders, placeholdersIn, readerCopy, seedsDir, stripCallouts } from './seeds.ts';

test('callouts come off values, list items and keys before their children, never off real numbers', () => {
  assert.deepEqual(stripCallouts([
    '  mtls: true 1',
    'members: 1',
    '  - <namespace> 1',
    'excludedPorts: 4',
    '- 8444 # metrics',
    'number: 443',
    'consecutive5xxErrors: 3',
    'interval: 10s',
    '- port: 15443',
    '  name: tls',
    '"sidecar.istio.io/inject": "true" 2',
    'protocol: HTTPS 2',
    '- 8444',
  ]), [
    '  mtls: true',
    'members:',
    '  - <namespace>',
    'excludedPorts:',
    '- 8444 # metrics',
    'number: 443',
    'consecutive5xxErrors: 3',
    'interval: 10s',
    '- port: 15443',
    '  name: tls',
    '"sidecar.istio.io/inject": "true"',
    'protocol: HTTPS',
    '- 8444',
  ]);
});

test('a reader copy drops callout lines (and the blank line after them) and the common indent', () => {
  assert.deepEqual(readerCopy([
    '    spec:',
    '      security:',
    '        mtls: true ',
    '    1',
    '    ',
    '      members: ',
    '    2',
    '    ',
    '        - a',
  ]), ['spec:', '  security:', '    mtls: true', '  members:', '    - a']);
});

test('examples and commands come out in document order, with captions, excerpts and shapes', () => {
  const text = [
    'Procedure',
    '  1. Create a root certificate:',
    '',
    '    $ openssl req -x509 \\',
    "        -subj '/O=Example Inc./CN=example.com' \\",
    '        -out root.crt',
    '    Example servicemesh-member-roll.yaml configuration file',
    '',
    '    apiVersion: maistra.io/v1',
    '    kind: ServiceMeshMemberRoll',
    '    metadata:',
    '      name: default',
    '    spec:',
    '      members: 1',
    '        - knative-serving',
    '',
    '    1',
    '    A list of namespaces.',
    '    $ oc apply -f servicemesh-member-roll.yaml',
    '    ...',
    '    spec:',
    '      proxy: {}',
    '    ...',
    '  3. Check:',
    '    status:',
    '      ready: true',
    '    Copy to Clipboard Toggle word wrap',
    'spec:',
    '  cluster:',
    '    name:',
    '',
    '参数描述',
  ].join('\n');
  const steps = extractSteps(text);
  assert.deepEqual(steps.map((s) => (s.type === 'command' ? ['command', s.line, s.program, s.text] : ['yaml', s.line, s.shape, s.excerpt, s.file ?? null, s.text])), [
    ['command', 4, 'openssl', "openssl req -x509 \\\n        -subj '/O=Example Inc./CN=example.com' \\\n        -out root.crt"],
    ['yaml', 9, 'object', false, 'servicemesh-member-roll.yaml', 'apiVersion: maistra.io/v1\nkind: ServiceMeshMemberRoll\nmetadata:\n  name: default\nspec:\n  members:\n    - knative-serving'],
    ['command', 19, 'oc', 'oc apply -f servicemesh-member-roll.yaml'],
    ['yaml', 20, 'fragment', true, null, '...\nspec:\n  proxy: {}\n...'],
    ['yaml', 25, 'status', false, null, 'status:\n  ready: true'],
    ['yaml', 28, 'fragment', false, null, 'spec:\n  cluster:\n    name:'],
  ]);
});

test('seed 003 style: an example flattened onto a prose line, and a command glued to prose', () => {
  const text = [
    'オブジェクトの例apiVersion: v1 kind: ConfigMap metadata: name: x 1 data: a: "1"',
    'リソースを適用します。$ oc apply -f <filename>',
    '$ openssl req -nodes \\ -keyout wildcard.key \\ -out wildcard.csr',
    '以下の仕様が含まれるようにします。... spec: proxy: {} ...',
  ].join('\n');
  assert.deepEqual(extractSteps(text).map((s) => (s.type === 'command' ? s.text : [s.flattened, s.shape, s.excerpt, s.text])), [
    [true, 'object', false, 'apiVersion: v1 kind: ConfigMap metadata: name: x 1 data: a: "1"'],
    'oc apply -f <filename>',
    'openssl req -nodes \\\n    -keyout wildcard.key \\\n    -out wildcard.csr',
    [true, 'fragment', true, '... spec: proxy: {} ...'],
  ]);
});

test('a table cell with two keys on a line is not an example', () => {
  assert.deepEqual(extractSteps('kind: ConfigMap name: <peerMesh>-ca-root-cert\n'), []);
});

test('placeholders: filled longest first, and listed', () => {
  assert.equal(
    fillPlaceholders('hosts: [<bootstrap_servers_without_port>] servers: <bootstrap_servers> ns: your-OpenShift-projects', SERVERLESS_PLACEHOLDERS),
    'hosts: [my-cluster-kafka-bootstrap.kafka] servers: my-cluster-kafka-bootstrap.kafka:9092 ns: default',
  );
  assert.deepEqual(placeholdersIn('oc create -n <application namespace> -f <DestinationRule.yaml> <x>'), ['<application namespace>', '<DestinationRule.yaml>', '<x>']);
});

test('a missing seeds folder is a clear error', () => {
  const saved = process.env.SKIFF_SEEDS_DIR;
  process.env.SKIFF_SEEDS_DIR = '/nonexistent/seeds';
  try {
    assert.throws(() => seedsDir(), /seed documents not found at \/nonexistent\/seeds: the suites expect the shared folder beside the clone/);
  } finally {
    if (saved === undefined) delete process.env.SKIFF_SEEDS_DIR;
    else process.env.SKIFF_SEEDS_DIR = saved;
  }
});
