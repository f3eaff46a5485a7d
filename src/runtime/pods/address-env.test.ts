import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressEnvironment } from './address-env.ts';

const meshed = { ip: '127.244.0.5', appAddress: '127.244.128.5', listenAddress: '127.244.128.5', sidecarListenAddress: '127.244.0.5' };

test('app containers of a meshed pod bind its inner address', () => {
  assert.deepEqual(new Map(addressEnvironment(meshed, 'user-container')), new Map([
    ['SKIFF_POD_IP', '127.244.0.5'],
    ['SKIFF_APP_ADDRESS', '127.244.128.5'],
    ['SKIFF_LISTEN_ADDRESS', '127.244.128.5'],
  ]));
});

test('the sidecar agent of a meshed pod binds the pod IP and probes the app at the inner address', () => {
  assert.deepEqual(new Map(addressEnvironment(meshed, 'istio-proxy')), new Map([
    ['SKIFF_POD_IP', '127.244.0.5'],
    ['SKIFF_APP_ADDRESS', '127.244.128.5'],
    ['SKIFF_LISTEN_ADDRESS', '127.244.0.5'],
  ]));
});

test('a pod without a sidecar has one address', () => {
  const plain = { ip: '127.244.0.6', appAddress: '127.244.0.6', listenAddress: '127.244.0.6', sidecarListenAddress: '127.244.0.6' };
  for (const name of ['app', 'istio-proxy']) {
    assert.deepEqual(addressEnvironment(plain, name).map(([, v]) => v), ['127.244.0.6', '127.244.0.6', '127.244.0.6']);
  }
});

test('netns mode: every container binds every address of its namespace', () => {
  const netns = { ip: '10.88.0.4', appAddress: '10.88.0.4', listenAddress: '0.0.0.0', sidecarListenAddress: '0.0.0.0' };
  assert.deepEqual(addressEnvironment(netns, 'istio-proxy'), [['SKIFF_POD_IP', '10.88.0.4'], ['SKIFF_APP_ADDRESS', '10.88.0.4'], ['SKIFF_LISTEN_ADDRESS', '0.0.0.0']]);
});
