import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerArgv, programFor, resolveImage } from './catalog.ts';
import { imageMatches, parseImageRef } from './image-ref.ts';
import { parseImageMappings } from './user-mapping.ts';

test('image references normalise as container runtimes do', () => {
  assert.equal(parseImageRef('nginx').normalized, 'docker.io/library/nginx:latest');
  assert.equal(parseImageRef('mccutchen/go-httpbin:v2').normalized, 'docker.io/mccutchen/go-httpbin:v2');
  assert.equal(parseImageRef('localhost:5000/app').normalized, 'localhost:5000/app:latest');
  const digest = parseImageRef('gcr.io/knative-samples/helloworld-go@sha256:abc');
  assert.deepEqual([digest.registry, digest.repository, digest.tag, digest.digest], ['gcr.io', 'knative-samples/helloworld-go', undefined, 'sha256:abc']);
});

test('globs match the written or the normalised name', () => {
  assert.ok(imageMatches('nginx*', parseImageRef('nginx:1.25')));
  assert.ok(imageMatches('docker.io/library/nginx:*', parseImageRef('nginx')));
  assert.ok(!imageMatches('nginx', parseImageRef('nginx:1.25')));
  assert.ok(imageMatches('quay.io/*/app?', parseImageRef('quay.io/team/app1')));
});

test('the Knative sample names and anything with helloworld run the hello-world program', () => {
  for (const image of ['gcr.io/knative-samples/helloworld-go', 'ghcr.io/knative/helloworld-go:latest', 'quay.io/openshift-knative/helloworld-go:multiarch', 'example.com/me/my-helloworld-python']) {
    assert.equal(resolveImage(image, [])?.entry, 'helloworld', image);
  }
  assert.equal(resolveImage('hello-world', []), undefined, "Docker's hello-world is a different program");
});

test('shell, echo, event-display and unknown images', () => {
  assert.equal(resolveImage('busybox:1.36', [])?.entry, 'busybox');
  assert.equal(resolveImage('registry.access.redhat.com/ubi8/ubi-minimal', [])?.entry, 'linux-distribution');
  assert.equal(resolveImage('mccutchen/go-httpbin', [])?.entry, 'echo');
  assert.equal(resolveImage('gcr.io/knative-releases/knative.dev/eventing/cmd/event_display', [])?.entry, 'event-display');
  assert.equal(resolveImage('registry.example.com/unknown/app:1.0', []), undefined);
});

test('user mappings come first', () => {
  const { mappings, error } = parseImageMappings('images:\n  - image: "busybox*"\n    command: ["/usr/bin/env"]\n  - image: "example.com/api:*"\n    builtin: echo\n');
  assert.equal(error, undefined);
  const busybox = resolveImage('busybox', mappings)!;
  assert.equal(busybox.source, 'mapping');
  assert.deepEqual(busybox.config.entrypoint, ['/usr/bin/env']);
  assert.deepEqual(programFor(containerArgv(resolveImage('example.com/api:2', mappings)!.config, undefined, ['-text=hi'])), { kind: 'builtin', program: 'echo', args: ['-text=hi'] });
});

test('mapping file errors name the entry and field', () => {
  assert.match(parseImageMappings('images:\n  - command: [x]\n').error!, /images\[0\]\.image: required/);
  assert.match(parseImageMappings('images:\n  - image: a\n    builtin: nope\n').error!, /unknown program "nope"/);
  assert.match(parseImageMappings('images: [').error!, /not valid YAML/);
  assert.deepEqual(parseImageMappings(''), { mappings: [] });
});

test('command replaces entrypoint and cmd; args replace cmd', () => {
  const config = { entrypoint: ['/skiff/bin/echo'], cmd: ['-x'] };
  assert.deepEqual(containerArgv(config, undefined, undefined), ['/skiff/bin/echo', '-x']);
  assert.deepEqual(containerArgv(config, undefined, ['-y']), ['/skiff/bin/echo', '-y']);
  assert.deepEqual(containerArgv(config, ['sh', '-c'], undefined), ['sh', '-c']);
  assert.deepEqual(programFor(['sh', '-c', 'true']), { kind: 'host', argv: ['sh', '-c', 'true'] });
});
