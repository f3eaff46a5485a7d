import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ContinueTokenError, decodeContinue, encodeContinue } from './continue-token.ts';

const PREFIX = '/registry/configmaps/ns/';
const token = (obj: unknown) => Buffer.from(JSON.stringify(obj)).toString('base64url');
const fails = (raw: string, message: string) => assert.throws(() => decodeContinue(raw, PREFIX), (err: unknown) => err instanceof ContinueTokenError && err.message === message);

describe('continue tokens', () => {
  it('encode the next key relative to the prefix, as kube-apiserver does, and decode back', () => {
    const raw = encodeContinue(`${PREFIX}cm-b`, PREFIX, 42);
    assert.deepEqual(JSON.parse(Buffer.from(raw, 'base64url').toString()), { v: 'meta.k8s.io/v1', rv: 42, start: 'cm-b\u0000' });
    assert.doesNotMatch(raw, /=/);
    assert.deepEqual(decodeContinue(raw, PREFIX), { rv: 42, startAfter: `${PREFIX}cm-b` });
  });

  it('apply a token to the collection it is used on', () => {
    assert.deepEqual(decodeContinue(encodeContinue(`${PREFIX}x`, PREFIX, 7), '/registry/configmaps/other/'), { rv: 7, startAfter: '/registry/configmaps/other/x' });
  });

  it('report bad base64 at Go\'s byte offsets', () => {
    fails('garbage!', 'continue key is not valid: illegal base64 data at input byte 7');
    fails('abcde', 'continue key is not valid: illegal base64 data at input byte 4');
    fails('YWJj=', 'continue key is not valid: illegal base64 data at input byte 4');
  });

  it('report what json.Unmarshal reports', () => {
    fails(Buffer.from('xyz').toString('base64url'), "continue key is not valid: invalid character 'x' looking for beginning of value");
    fails(token(5), 'continue key is not valid: json: cannot unmarshal number into Go value of type storage.continueToken');
    fails(token({ v: 'meta.k8s.io/v1', rv: '5', start: 'a' }), 'continue key is not valid: json: cannot unmarshal string into Go struct field continueToken.rv of type int64');
  });

  it('check version, revision, start key and path traversal', () => {
    fails(token({ v: 'meta.k8s.io/v9', rv: 5, start: 'a' }), 'continue key is not valid: server does not recognize this encoded version meta.k8s.io/v9');
    fails(token({ v: 'meta.k8s.io/v1', rv: 0, start: 'a' }), 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
    fails(token({ v: 'meta.k8s.io/v1', rv: 5, start: '' }), 'continue key is not valid: encoded start key empty (version meta.k8s.io/v1)');
    fails(token({ v: 'meta.k8s.io/v1', rv: 5, start: '../secrets/x' }), 'continue key is not valid: ../secrets/x');
    assert.equal(decodeContinue(token({ v: 'meta.k8s.io/v1', rv: -1, start: 'a\u0000' }), PREFIX).rv, -1);
  });
});
