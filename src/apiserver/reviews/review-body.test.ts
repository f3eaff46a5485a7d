import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffError } from '../../errors/skiff-error.ts';
import { decodeReviewBody } from './review-body.ts';

/** What kubectl 1.32 posts for `kubectl auth can-i get pods` (captured with -v=8). */
const CAN_I_GET_PODS = Buffer.from(
  [
    '6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f763112',
    '1753656c665375626a656374416363657373526576696577123c0a100a001200',
    '1a0022002a00320038004200121e0a1c0a0764656661756c7412036765741a00',
    '22002a04706f647332003a001a08080012001a0020001a002200',
  ].join(''),
  'hex',
);
const PROTOBUF = 'application/vnd.kubernetes.protobuf';

describe('decodeReviewBody', () => {
  it("decodes kubectl's protobuf SelfSubjectAccessReview into what Go's encoding/json would write", () => {
    assert.deepEqual(decodeReviewBody(CAN_I_GET_PODS, PROTOBUF, 'authorization.k8s.io/v1', 'SelfSubjectAccessReview'), {
      kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' } },
      status: { allowed: false },
    });
  });

  it('decodes JSON, filling apiVersion and kind from the URL when the body omits them', () => {
    const body = Buffer.from(JSON.stringify({ spec: { token: 't' } }));
    assert.deepEqual(decodeReviewBody(body, 'application/json', 'authentication.k8s.io/v1', 'TokenReview'), { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: {}, spec: { token: 't' } });
  });

  it('refuses a body of another kind or version with 400, and unknown media types with 415', () => {
    const code = (fn: () => unknown) => {
      try { fn(); } catch (e) { return e instanceof SkiffError ? e.code : 'other'; }
      return 'none';
    };
    assert.equal(code(() => decodeReviewBody(Buffer.from('{"kind":"Pod"}'), 'application/json', 'authentication.k8s.io/v1', 'TokenReview')), 'SKF_API_BAD_REQUEST');
    assert.equal(code(() => decodeReviewBody(Buffer.from('{"apiVersion":"v1"}'), 'application/json', 'authentication.k8s.io/v1', 'TokenReview')), 'SKF_API_BAD_REQUEST');
    assert.equal(code(() => decodeReviewBody(Buffer.from('x'), 'text/plain', 'authentication.k8s.io/v1', 'TokenReview')), 'SKF_API_UNSUPPORTED_MEDIA_TYPE');
  });
});

/** A minimal protobuf writer: length-delimited fields only, enough for a Go client's TokenReview. */
function field(no: number, value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  const varint = (n: number): Buffer => {
    const out: number[] = [];
    for (; n >= 0x80; n >>>= 7) out.push((n & 0x7f) | 0x80);
    out.push(n);
    return Buffer.from(out);
  };
  return Buffer.concat([varint((no << 3) | 2), varint(bytes.length), bytes]);
}

describe('decodeReviewBody (protobuf TokenReview, as Go clients such as kube-rbac-proxy send it)', () => {
  it('decodes spec.token and spec.audiences and writes the empty status Go would', () => {
    const raw = Buffer.concat([field(1, Buffer.alloc(0)), field(2, Buffer.concat([field(1, 'tok'), field(2, 'https://kubernetes.default.svc')])), field(3, field(2, Buffer.alloc(0)))]);
    const body = Buffer.concat([Buffer.from('k8s\0'), field(1, Buffer.concat([field(1, 'authentication.k8s.io/v1'), field(2, 'TokenReview')])), field(2, raw)]);
    assert.deepEqual(decodeReviewBody(body, PROTOBUF, 'authentication.k8s.io/v1', 'TokenReview'), {
      kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { token: 'tok', audiences: ['https://kubernetes.default.svc'] },
      status: { user: {} },
    });
  });

  it('refuses protobuf for a kind it does not know with 415', () => {
    const body = Buffer.concat([Buffer.from('k8s\0'), field(1, Buffer.concat([field(1, 'v1'), field(2, 'Pod')])), field(2, Buffer.alloc(0))]);
    assert.throws(() => decodeReviewBody(body, PROTOBUF, 'authentication.k8s.io/v1', 'TokenReview'), (e: unknown) => e instanceof SkiffError && e.code === 'SKF_API_UNSUPPORTED_MEDIA_TYPE');
  });
});
