import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admitIngress } from './admit.ts';
import { compileNetworkPolicies } from './compile.ts';
import { decide, fromExternal, fromNode, fromPod, namespace, pod, policy, type World } from './fixtures.ts';
import type { ConnectionSource, NetworkPolicy, Protocol } from './types.ts';

const NAMESPACES = [namespace('app', { team: 'a' }), namespace('other', { team: 'b' }), namespace('third', { team: 'c', tier: 'gold' })];
const PODS = [
  pod('app', 'web', '10.0.0.1', {
    labels: { app: 'web' },
    ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }, { name: 'dns', containerPort: 53, protocol: 'UDP' }],
  }),
  pod('app', 'api', '10.0.0.2', { labels: { app: 'api' }, ports: [{ name: 'http', containerPort: 8081 }] }),
  pod('app', 'client', '10.0.0.3', { labels: { role: 'client' } }),
  pod('other', 'client', '10.0.1.3', { labels: { role: 'client' } }),
  pod('other', 'db', '10.0.1.4', { labels: { app: 'db' } }),
  pod('third', 'client', '10.0.2.3', { labels: { role: 'client', env: 'prod' } }),
  pod('app', 'done', '10.0.0.9', { labels: { role: 'client' }, phase: 'Succeeded' }),
  pod('app', 'failed', '10.0.0.10', { labels: { role: 'client' }, phase: 'Failed' }),
  pod('app', 'pending', undefined, { labels: { role: 'client' }, phase: 'Pending' }),
];

const world = (...policies: NetworkPolicy[]): World => ({ policies, pods: PODS, namespaces: NAMESPACES });
const onWeb = (ingress: NonNullable<NetworkPolicy['spec']>['ingress']) => policy('app', 'p', { podSelector: { matchLabels: { app: 'web' } }, ingress, policyTypes: ['Ingress'] });
const denyAll = policy('app', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] });
const clients = { podSelector: { matchLabels: { role: 'client' } } };

interface Case {
  name: string;
  policies: NetworkPolicy[];
  to?: string;
  port?: number;
  protocol?: Protocol;
  source: ConnectionSource;
  allowed: boolean;
  policy?: string;
}

const CASES: Case[] = [
  // Isolation
  { name: 'no policy: open', policies: [], source: fromExternal('192.0.2.1'), allowed: true },
  { name: 'egress-only policy does not isolate for ingress', policies: [policy('app', 'e', { podSelector: {}, egress: [], policyTypes: ['Egress'] })], source: fromExternal('192.0.2.1'), allowed: true },
  { name: 'absent ingress with Ingress type: deny all pods', policies: [denyAll], source: fromPod('10.0.0.3'), allowed: false },
  { name: 'deny all: external too', policies: [denyAll], source: fromExternal('192.0.2.1'), allowed: false },
  { name: 'undefaulted policy with egress rules only isolates ingress too', policies: [policy('app', 'e', { podSelector: {}, egress: [{}] })], source: fromPod('10.0.0.3'), allowed: false },
  { name: 'undefaulted policy with no rules isolates ingress', policies: [policy('app', 'e', { podSelector: {} })], source: fromPod('10.0.0.3'), allowed: false },
  { name: 'a policy selecting other pods leaves this one open', policies: [policy('app', 'api-only', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'] })], source: fromPod('10.0.1.3'), allowed: true },
  { name: 'a policy of another namespace does not select', policies: [policy('other', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] })], source: fromPod('10.0.1.3'), allowed: true },
  { name: 'node traffic is always allowed, even under deny all', policies: [denyAll], source: fromNode, allowed: true },
  { name: 'a pod may always reach itself, even under deny all', policies: [denyAll], source: fromPod('10.0.0.1'), allowed: true },
  { name: 'a sibling pod is not itself', policies: [denyAll], source: fromPod('10.0.0.2'), allowed: false },
  // Sources
  { name: 'empty from: every pod', policies: [onWeb([{}])], source: fromPod('10.0.1.4'), allowed: true, policy: 'app/p' },
  { name: 'empty from list: external too', policies: [onWeb([{ from: [] }])], source: fromExternal('192.0.2.1'), allowed: true },
  { name: 'podSelector: same namespace matches', policies: [onWeb([{ from: [clients] }])], source: fromPod('10.0.0.3'), allowed: true },
  { name: 'podSelector: same labels in another namespace do not', policies: [onWeb([{ from: [clients] }])], source: fromPod('10.0.1.3'), allowed: false },
  { name: 'podSelector: non-matching pod', policies: [onWeb([{ from: [clients] }])], source: fromPod('10.0.1.4'), allowed: false },
  { name: 'podSelector {}: every pod of the namespace', policies: [onWeb([{ from: [{ podSelector: {} }] }])], source: fromPod('10.0.0.2'), allowed: true },
  { name: 'podSelector {}: not other namespaces', policies: [onWeb([{ from: [{ podSelector: {} }] }])], source: fromPod('10.0.1.4'), allowed: false },
  { name: 'podSelector: external sources never match', policies: [onWeb([{ from: [{ podSelector: {} }] }])], source: fromExternal('10.0.0.3'), allowed: false },
  { name: 'namespaceSelector: any pod of a matching namespace', policies: [onWeb([{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } } }] }])], source: fromPod('10.0.1.4'), allowed: true },
  { name: 'namespaceSelector: not the policy namespace unless it matches', policies: [onWeb([{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } } }] }])], source: fromPod('10.0.0.3'), allowed: false },
  { name: 'namespaceSelector {}: every namespace', policies: [onWeb([{ from: [{ namespaceSelector: {} }] }])], source: fromPod('10.0.2.3'), allowed: true },
  { name: 'namespaceSelector {}: not external', policies: [onWeb([{ from: [{ namespaceSelector: {} }] }])], source: fromExternal('192.0.2.1'), allowed: false },
  { name: 'by metadata.name label', policies: [onWeb([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'third' } } }] }])], source: fromPod('10.0.2.3'), allowed: true },
  { name: 'both in one entry (AND): matching pod in matching namespace', policies: [onWeb([{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } }, ...clients }] }])], source: fromPod('10.0.1.3'), allowed: true },
  { name: 'both in one entry (AND): other pod of that namespace', policies: [onWeb([{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } }, ...clients }] }])], source: fromPod('10.0.1.4'), allowed: false },
  { name: 'both in one entry (AND): matching pod elsewhere', policies: [onWeb([{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } }, ...clients }] }])], source: fromPod('10.0.0.3'), allowed: false },
  { name: 'two entries (OR): pod selector alone admits its namespace', policies: [onWeb([{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } } }, clients] }])], source: fromPod('10.0.0.3'), allowed: true },
  { name: 'two entries (OR): the namespace admits any of its pods', policies: [onWeb([{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } } }, clients] }])], source: fromPod('10.0.1.4'), allowed: true },
  // Selector operators
  { name: 'In', policies: [onWeb([{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['b', 'c'] }] } }] }])], source: fromPod('10.0.2.3'), allowed: true },
  { name: 'NotIn excludes', policies: [onWeb([{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['a', 'c'] }] } }] }])], source: fromPod('10.0.2.3'), allowed: false },
  { name: 'NotIn admits', policies: [onWeb([{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['a', 'c'] }] } }] }])], source: fromPod('10.0.1.4'), allowed: true },
  { name: 'Exists', policies: [onWeb([{ from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'env', operator: 'Exists' }] } }] }])], source: fromPod('10.0.2.3'), allowed: true },
  { name: 'Exists: label absent', policies: [onWeb([{ from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'env', operator: 'Exists' }] } }] }])], source: fromPod('10.0.1.3'), allowed: false },
  { name: 'DoesNotExist', policies: [onWeb([{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] } }] }])], source: fromPod('10.0.2.3'), allowed: false },
  { name: 'DoesNotExist: label absent', policies: [onWeb([{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] } }] }])], source: fromPod('10.0.1.3'), allowed: true },
  { name: 'matchLabels AND matchExpressions', policies: [onWeb([{ from: [{ namespaceSelector: { matchLabels: { team: 'c' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['silver'] }] } }] }])], source: fromPod('10.0.2.3'), allowed: false },
  // Source liveness
  { name: 'a Succeeded pod never matches as a source', policies: [onWeb([{ from: [clients] }])], source: fromPod('10.0.0.9'), allowed: false },
  { name: 'a Failed pod never matches as a source', policies: [onWeb([{ from: [clients] }])], source: fromPod('10.0.0.10'), allowed: false },
  { name: 'an unknown pod address matches no selector', policies: [onWeb([{ from: [{ namespaceSelector: {} }] }])], source: fromPod('10.0.9.9'), allowed: false },
  // ipBlock
  { name: 'ipBlock: external address inside', policies: [onWeb([{ from: [{ ipBlock: { cidr: '192.0.2.0/24', except: ['192.0.2.128/25'] } }] }])], source: fromExternal('192.0.2.5'), allowed: true },
  { name: 'ipBlock: inside except', policies: [onWeb([{ from: [{ ipBlock: { cidr: '192.0.2.0/24', except: ['192.0.2.128/25'] } }] }])], source: fromExternal('192.0.2.200'), allowed: false },
  { name: 'ipBlock: outside', policies: [onWeb([{ from: [{ ipBlock: { cidr: '192.0.2.0/24' } }] }])], source: fromExternal('198.51.100.1'), allowed: false },
  { name: 'ipBlock: IPv4-mapped IPv6 peer address', policies: [onWeb([{ from: [{ ipBlock: { cidr: '192.0.2.0/24' } }] }])], source: fromExternal('::ffff:192.0.2.7'), allowed: true },
  { name: 'ipBlock: IPv6', policies: [onWeb([{ from: [{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] } }] }])], source: fromExternal('2001:db8:2::1'), allowed: true },
  { name: 'ipBlock: IPv6 except', policies: [onWeb([{ from: [{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] } }] }])], source: fromExternal('2001:db8:1::1'), allowed: false },
  { name: 'ipBlock: a pod address in the block matches (skiff choice)', policies: [onWeb([{ from: [{ ipBlock: { cidr: '10.0.1.0/24' } }] }])], source: fromPod('10.0.1.4'), allowed: true },
  { name: 'ipBlock: family mismatch', policies: [onWeb([{ from: [{ ipBlock: { cidr: '::/0' } }] }])], source: fromExternal('192.0.2.1'), allowed: false },
  // Ports
  { name: 'numeric port', policies: [onWeb([{ ports: [{ port: 8080, protocol: 'TCP' }] }])], port: 8080, source: fromPod('10.0.0.3'), allowed: true },
  { name: 'numeric port: other port', policies: [onWeb([{ ports: [{ port: 8080, protocol: 'TCP' }] }])], port: 9090, source: fromPod('10.0.0.3'), allowed: false },
  { name: 'protocol defaults to TCP', policies: [onWeb([{ ports: [{ port: 8080 }] }])], port: 8080, source: fromPod('10.0.0.3'), allowed: true },
  { name: 'protocol defaults to TCP: UDP not opened', policies: [onWeb([{ ports: [{ port: 8080 }] }])], port: 8080, protocol: 'UDP', source: fromPod('10.0.0.3'), allowed: false },
  { name: 'UDP port', policies: [onWeb([{ ports: [{ port: 53, protocol: 'UDP' }] }])], port: 53, protocol: 'UDP', source: fromPod('10.0.0.3'), allowed: true },
  { name: 'SCTP port', policies: [onWeb([{ ports: [{ port: 3868, protocol: 'SCTP' }] }])], port: 3868, protocol: 'SCTP', source: fromPod('10.0.0.3'), allowed: true },
  { name: 'endPort: lower bound', policies: [onWeb([{ ports: [{ port: 8000, endPort: 8100 }] }])], port: 8000, source: fromPod('10.0.0.3'), allowed: true },
  { name: 'endPort: upper bound', policies: [onWeb([{ ports: [{ port: 8000, endPort: 8100 }] }])], port: 8100, source: fromPod('10.0.0.3'), allowed: true },
  { name: 'endPort: past the range', policies: [onWeb([{ ports: [{ port: 8000, endPort: 8100 }] }])], port: 8101, source: fromPod('10.0.0.3'), allowed: false },
  { name: 'endPort: below the range', policies: [onWeb([{ ports: [{ port: 8000, endPort: 8100 }] }])], port: 7999, source: fromPod('10.0.0.3'), allowed: false },
  { name: 'named port resolves on the destination', policies: [onWeb([{ ports: [{ port: 'http' }] }])], port: 8080, source: fromPod('10.0.0.3'), allowed: true },
  { name: 'named port: another number', policies: [onWeb([{ ports: [{ port: 'http' }] }])], port: 8081, source: fromPod('10.0.0.3'), allowed: false },
  { name: 'named port: the same name resolves per pod', policies: [policy('app', 'p', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] })], to: 'app/api', port: 8081, source: fromPod('10.0.0.3'), allowed: true },
  { name: 'named port: protocol must match the declaration', policies: [onWeb([{ ports: [{ port: 'dns', protocol: 'TCP' }] }])], port: 53, source: fromPod('10.0.0.3'), allowed: false },
  { name: 'named port: UDP declaration', policies: [onWeb([{ ports: [{ port: 'dns', protocol: 'UDP' }] }])], port: 53, protocol: 'UDP', source: fromPod('10.0.0.3'), allowed: true },
  { name: 'named port the pod lacks opens nothing', policies: [onWeb([{ ports: [{ port: 'grpc' }] }])], port: 8080, source: fromPod('10.0.0.3'), allowed: false },
  { name: 'protocol without port: every port of it', policies: [onWeb([{ ports: [{ protocol: 'UDP' }] }])], port: 5000, protocol: 'UDP', source: fromPod('10.0.0.3'), allowed: true },
  { name: 'protocol without port: not other protocols', policies: [onWeb([{ ports: [{ protocol: 'UDP' }] }])], port: 5000, source: fromPod('10.0.0.3'), allowed: false },
  { name: 'empty ports: every port and protocol', policies: [onWeb([{ ports: [], from: [clients] }])], port: 1234, protocol: 'SCTP', source: fromPod('10.0.0.3'), allowed: true },
  { name: 'ports AND from within a rule', policies: [onWeb([{ ports: [{ port: 8080 }], from: [clients] }])], port: 9090, source: fromPod('10.0.0.3'), allowed: false },
  // Union
  {
    name: 'union of rules: the second rule admits',
    policies: [onWeb([{ ports: [{ port: 8080 }], from: [clients] }, { ports: [{ port: 9090 }], from: [{ namespaceSelector: { matchLabels: { team: 'b' } } }] }])],
    port: 9090, source: fromPod('10.0.1.4'), allowed: true,
  },
  {
    name: 'union of rules: no cross product of ports and sources',
    policies: [onWeb([{ ports: [{ port: 8080 }], from: [clients] }, { ports: [{ port: 9090 }], from: [{ namespaceSelector: { matchLabels: { team: 'b' } } }] }])],
    port: 9090, source: fromPod('10.0.0.3'), allowed: false,
  },
  { name: 'union of policies: deny-all adds nothing, the other admits', policies: [denyAll, onWeb([{ from: [clients] }])], source: fromPod('10.0.0.3'), allowed: true, policy: 'app/p' },
  { name: 'union of policies: first allowing policy by name', policies: [policy('app', 'z', { podSelector: {}, ingress: [{}] }), policy('app', 'a', { podSelector: {}, ingress: [{}] })], source: fromPod('10.0.0.3'), allowed: true, policy: 'app/a' },
];

for (const c of CASES) {
  test(`admitIngress: ${c.name}`, () => {
    const d = decide(world(...c.policies), c.to ?? 'app/web', c.port ?? 8080, c.source, c.protocol ?? 'TCP');
    assert.equal(d.allowed, c.allowed, d.reason);
    if (c.policy !== undefined) assert.equal(d.policy, c.policy);
    if (!d.allowed) assert.equal(d.policy, undefined);
  });
}

test('destination by IP, and an address no pod holds', () => {
  const index = compileNetworkPolicies(world(denyAll));
  const base = { port: 8080, protocol: 'TCP' as const, source: fromPod('10.0.0.3') };
  assert.equal(admitIngress(index, { ...base, destinationPod: { ip: '10.0.0.1' } }).allowed, false);
  assert.equal(admitIngress(index, { ...base, destinationPod: { ip: '::ffff:10.0.0.1' } }).allowed, false);
  const unknown = admitIngress(index, { ...base, destinationPod: { ip: '10.9.9.9' } });
  assert.deepEqual(unknown, { allowed: true, reason: 'destination is not a known pod: no NetworkPolicy applies' });
});

test('host-network pods are neither isolated nor sources', () => {
  const hostPod = pod('app', 'host', '192.168.1.10', { labels: { role: 'client' }, hostNetwork: true });
  const w = { policies: [denyAll, onWeb([{ from: [clients] }])], pods: [...PODS, hostPod], namespaces: NAMESPACES };
  assert.equal(decide(w, 'app/host', 80, fromPod('10.0.1.4')).allowed, true);
  assert.equal(decide(w, 'app/web', 8080, fromPod('192.168.1.10')).allowed, false);
});

test('a pending pod without an address never matches as a source, and is isolated as a destination', () => {
  const index = compileNetworkPolicies(world(denyAll));
  assert.equal(index.podsByIp.size, 6);
  assert.equal(decide(world(denyAll), 'app/pending', 80, fromPod('10.0.0.3')).allowed, false);
});

test('extra addresses (a meshed pod\'s inner address) identify the source pod', () => {
  const inner = (p: { status?: { podIP?: string } }) => [p.status!.podIP!.replace(/^10\.0\./, '10.128.')];
  const index = compileNetworkPolicies({ ...world(onWeb([{ from: [clients] }])), extraAddresses: inner });
  const conn = { destinationPod: { namespace: 'app', name: 'web' }, port: 8080, protocol: 'TCP' as const };
  assert.equal(admitIngress(index, { ...conn, source: fromPod('10.128.0.3') }).allowed, true);
  assert.equal(admitIngress(index, { ...conn, source: fromPod('10.128.1.4') }).allowed, false);
  assert.equal(admitIngress(index, { ...conn, destinationPod: { ip: '10.128.0.1' }, source: fromPod('10.0.0.3') }).allowed, true);
});

test('reasons name the isolating policies, the source and the port', () => {
  const d = decide(world(denyAll, onWeb([{ from: [clients] }])), 'app/web', 8080, fromPod('10.0.1.4'));
  assert.deepEqual(d, { allowed: false, reason: 'app/web is isolated for Ingress by app/deny-all, app/p; no rule admits pod other/db (10.0.1.4) on TCP/8080' });
  assert.equal(decide(world(), 'app/web', 80, fromNode).reason, 'traffic from the node to app/web is always allowed');
  assert.equal(decide(world(), 'app/web', 80, fromPod('10.0.0.3')).reason, 'no NetworkPolicy selects app/web for Ingress');
  assert.equal(decide(world(denyAll), 'app/web', 80, fromExternal('192.0.2.1')).reason, 'app/web is isolated for Ingress by app/deny-all; no rule admits external 192.0.2.1 on TCP/80');
});

test('a policy with a selector the API server would refuse is skipped and reported', () => {
  const bad = policy('app', 'bad', { podSelector: { matchExpressions: [{ key: 'a', operator: 'Near' }] }, policyTypes: ['Ingress'] });
  const index = compileNetworkPolicies(world(bad));
  assert.equal(index.policies.length, 0);
  assert.equal(index.errors.length, 1);
  assert.match(index.errors[0]!, /^app\/bad: "Near" is not a valid label selector operator/);
});

test('recompiling follows namespace label changes (namespace selectors are precomputed)', () => {
  const p = onWeb([{ from: [{ namespaceSelector: { matchLabels: { trusted: 'yes' } } }] }]);
  assert.equal(decide(world(p), 'app/web', 8080, fromPod('10.0.1.4')).allowed, false);
  const relabelled = NAMESPACES.map((n) => (n.metadata.name === 'other' ? namespace('other', { trusted: 'yes' }) : n));
  assert.equal(decide({ policies: [p], pods: PODS, namespaces: relabelled }, 'app/web', 8080, fromPod('10.0.1.4')).allowed, true);
});

test('the index holds selecting policies only for selected pods', () => {
  const index = compileNetworkPolicies(world(onWeb([{}]), policy('other', 'q', { podSelector: { matchLabels: { app: 'db' } } })));
  assert.deepEqual([...index.ingressSelecting.keys()].sort(), ['app/web', 'other/db']);
});
