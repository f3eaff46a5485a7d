import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { compileNetworkPolicies } from './compile.ts';
import { namespace, pod, policy, type World } from './fixtures.ts';
import { mergeRanges, renderPolicyRuleset } from './nft-ruleset.ts';

const OPTIONS = { table: 'skiff_test_policy', comment: 'skiff test', podCidr: '127.244.0.0/16' };

function world(): World {
  return {
    namespaces: [namespace('apps', { team: 'a' }), namespace('monitoring', { name: 'monitoring' }), namespace('other')],
    pods: [
      pod('apps', 'web', '127.244.0.5', { labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }),
      pod('apps', 'db', '127.244.0.6', { labels: { app: 'db' } }),
      pod('monitoring', 'prom', '127.244.0.7'),
      pod('other', 'client', '127.244.0.8'),
      pod('other', 'gone', '127.244.0.9', { phase: 'Succeeded' }),
    ],
    policies: [],
  };
}

const render = (w: World, o = OPTIONS) => renderPolicyRuleset(compileNetworkPolicies(w), o);

test('no policy: the entry chain accepts and no pod chain exists', () => {
  const text = render(world());
  assert.match(text, /add table ip skiff_test_policy\ndelete table ip skiff_test_policy\ntable ip skiff_test_policy \{/);
  assert.match(text, /type filter hook input priority filter; policy accept;/);
  assert.match(text, /ip saddr != 127\.244\.0\.0\/16 accept/, 'the node (anything outside the pod CIDR) is never refused');
  assert.doesNotMatch(text, /vmap|pod_0/);
});

test('a deny-all isolates every pod of its namespace; each may still reach itself', () => {
  const w = world();
  w.policies.push(policy('apps', 'deny-all', { podSelector: {} }));
  const text = render(w);
  assert.match(text, /127\.244\.0\.5 : jump pod_\d, 127\.244\.0\.6 : jump pod_\d|127\.244\.0\.6 : jump pod_\d, 127\.244\.0\.5 : jump pod_\d/);
  assert.match(text, /ip saddr 127\.244\.0\.5 accept\n\s+counter drop/);
  assert.doesNotMatch(text, /127\.244\.0\.7 : jump/, 'other namespaces are not isolated');
});

test('namespace and pod selectors become the live addresses they pick; terminal pods pick none', () => {
  const w = world();
  w.policies.push(policy('apps', 'from-monitoring', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { name: 'monitoring' } } }, { namespaceSelector: {}, podSelector: { matchLabels: { app: 'db' } } }] }] }));
  w.policies.push(policy('apps', 'from-other', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } } }], ports: [{ port: 'http' }, { port: 9000, endPort: 9100 }, { port: 9050 }, { protocol: 'UDP', port: 'dns' }] }] }));
  const text = render(w);
  assert.match(text, /ip saddr \{ 127\.244\.0\.6, 127\.244\.0\.7 \} accept comment "apps\/from-monitoring"/);
  assert.match(text, /ip saddr 127\.244\.0\.8 tcp dport \{ 8080, 9000-9100 \} accept comment "apps\/from-other"/);
  assert.match(text, /ip saddr 127\.244\.0\.8 udp dport 53 accept/);
  assert.doesNotMatch(text, /127\.244\.0\.9/, 'a Succeeded pod holds no address');
});

test('ipBlock with except, empty from, and a rule that admits nothing', () => {
  const w = world();
  w.policies.push(policy('apps', 'blocks', { podSelector: { matchLabels: { app: 'db' } }, ingress: [
    { from: [{ ipBlock: { cidr: '127.244.0.0/24', except: ['127.244.0.8/29', '127.244.0.8/32', 'fd00::/8'] } }, { ipBlock: { cidr: 'fd00::/8' } }] },
    { ports: [{ protocol: 'SCTP' }] },
    { from: [{ podSelector: { matchLabels: { app: 'nobody' } } }] },
  ] }));
  const text = render(w);
  assert.match(text, /ip saddr 127\.244\.0\.0\/24 ip saddr != 127\.244\.0\.8\/29 accept/);
  assert.match(text, /meta l4proto sctp accept/);
  assert.doesNotMatch(text, /fd00/);
});

test('mergeRanges joins overlapping and adjacent ranges', () => {
  assert.deepEqual(mergeRanges([[9050, 9050], [9000, 9100], [80, 80], [81, 90], [8080, 8080]]), [[80, 90], [8080, 8080], [9000, 9100]]);
});

const nft = spawnSync('nft', ['--version']).status === 0 && process.getuid?.() === 0;
test('the kernel accepts the rendered table (nft --check)', { skip: nft ? false : 'needs root and nft' }, () => {
  const w = world();
  w.policies.push(policy('apps', 'deny-all', { podSelector: {} }));
  w.policies.push(policy('apps', 'from-other', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: {} }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 'http' }, { port: 9000, endPort: 9100 }, { protocol: 'UDP', port: 'dns' }, { protocol: 'SCTP' }] }] }));
  const result = spawnSync('nft', ['--check', '-f', '-'], { input: render(w) });
  assert.equal(result.status, 0, result.stderr.toString());
});
