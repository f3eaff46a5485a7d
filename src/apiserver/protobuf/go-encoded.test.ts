/**
 * Differential test: bodies that Kubernetes' own Go types and protobuf serializer produced
 * (testdata/go-encoded-v0.32.9.json, richly populated Secret, ConfigMap, Namespace,
 * ServiceAccount, Service, Pod and Deployment objects) must decode to exactly the JSON that
 * Go's encoding/json writes for the same objects.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeKubernetesProtobuf } from './decode.ts';

const fixture = JSON.parse(readFileSync(new URL('./testdata/go-encoded-v0.32.9.json', import.meta.url), 'utf8')) as {
  cases: { name: string; body: string; json: unknown }[];
};

describe('protobuf bodies encoded by k8s.io/api v0.32.9', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      assert.deepEqual(decodeKubernetesProtobuf(Buffer.from(c.body, 'base64')), c.json);
    });
  }
});
