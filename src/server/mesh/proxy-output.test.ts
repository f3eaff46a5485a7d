import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/object.ts';
import { ProxyOutput } from './proxy-output.ts';

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gw', namespace: 'istio-system', uid: 'u-1' } } as KubeObject;
const write = (stream: NodeJS.WritableStream, text: string) => new Promise<void>((resolve) => stream.write(text, () => resolve()));

test('a proxy\'s stdout goes to its pod\'s istio-proxy container, named by uid; what no container takes is counted', async () => {
  const output = new ProxyOutput();
  const stdout = output.stdoutOf(pod);
  await write(stdout, 'before the kubelet\n');
  assert.equal(output.dropped, 1, 'no kubelet plugged in yet');
  const seen: string[] = [];
  output.connect((ref, container, text) => {
    seen.push(`${ref.namespace}/${ref.name}/${ref.uid} ${container} ${text}`);
    return text !== 'refused\n';
  });
  await write(stdout, 'line\n');
  await write(stdout, 'refused\n');
  assert.deepEqual(seen, ['istio-system/gw/u-1 istio-proxy line\n', 'istio-system/gw/u-1 istio-proxy refused\n']);
  assert.equal(output.dropped, 2);
});
