/**
 * Protobuf bodies of the review kinds. kubectl's typed clients send them so
 * (`kubectl auth can-i` posts a SelfSubjectAccessReview in application/vnd.kubernetes.protobuf),
 * as other Go clients may (kube-rbac-proxy's TokenReviews and SubjectAccessReviews). Field
 * numbers from k8s.io/api v0.32 authentication/v1 and authorization/v1 generated.proto;
 * pointer-ness and omitempty from their types.go (notation: src/apiserver/protobuf/schema.ts).
 * The generic decoder (src/apiserver/protobuf/decode.ts) keeps to stored kinds; this one
 * shares its message decoder and adds the reviews' messages.
 */
import type { KubeObject } from '../../api/object.ts';
import { SkiffError } from '../../errors/skiff-error.ts';
import { MessageDecoder } from '../protobuf/decode-message.ts';
import { META_V1 } from '../protobuf/messages-meta.ts';
import { compileSchema, type MessageTables } from '../protobuf/schema.ts';
import { malformed, readFields, WireType } from '../protobuf/wire.ts';

const AUTHENTICATION_V1: MessageTables = {
  TokenReview: ['1 metadata ObjectMeta', '2 spec TokenReviewSpec', '3 status TokenReviewStatus'],
  TokenReviewSpec: ['1 token string', '2 audiences string[]'],
  TokenReviewStatus: ['1 authenticated bool', '2 user UserInfo', '4 audiences string[]', '3 error string'],
  UserInfo: ['1 username string', '2 uid string', '3 groups string[]', '4 extra -'],
  SelfSubjectReview: ['1 metadata ObjectMeta', '2 status SelfSubjectReviewStatus'],
  SelfSubjectReviewStatus: ['1 userInfo UserInfo'],
};

const AUTHORIZATION_V1: MessageTables = {
  SubjectAccessReview: ['1 metadata ObjectMeta', '2 spec SubjectAccessReviewSpec', '3 status SubjectAccessReviewStatus'],
  SelfSubjectAccessReview: ['1 metadata ObjectMeta', '2 spec SelfSubjectAccessReviewSpec', '3 status SubjectAccessReviewStatus'],
  SubjectAccessReviewSpec: ['1 resourceAttributes *ResourceAttributes', '2 nonResourceAttributes *NonResourceAttributes', '3 user string', '4 groups string[]', '5 extra -', '6 uid string'],
  SelfSubjectAccessReviewSpec: ['1 resourceAttributes *ResourceAttributes', '2 nonResourceAttributes *NonResourceAttributes'],
  ResourceAttributes: ['1 namespace string', '2 verb string', '3 group string', '4 version string', '5 resource string', '6 subresource string', '7 name string', '8 fieldSelector *FieldSelectorAttributes', '9 labelSelector *LabelSelectorAttributes'],
  FieldSelectorAttributes: ['1 rawSelector string', '2 requirements FieldSelectorRequirement[]'],
  FieldSelectorRequirement: ['1 key string!', '2 operator string!', '3 values string[]'],
  LabelSelectorAttributes: ['1 rawSelector string', '2 requirements LabelSelectorRequirement[]'],
  NonResourceAttributes: ['1 path string', '2 verb string'],
  SubjectAccessReviewStatus: ['1 allowed bool!', '4 denied bool', '2 reason string', '3 evaluationError string'],
  SelfSubjectRulesReview: ['1 metadata ObjectMeta', '2 spec SelfSubjectRulesReviewSpec', '3 status SubjectRulesReviewStatus'],
  SelfSubjectRulesReviewSpec: ['1 namespace string'],
  SubjectRulesReviewStatus: ['1 resourceRules ResourceRule[]!', '2 nonResourceRules NonResourceRule[]!', '3 incomplete bool!', '4 evaluationError string'],
  ResourceRule: ['1 verbs string[]!', '2 apiGroups string[]', '3 resources string[]', '4 resourceNames string[]'],
  NonResourceRule: ['1 verbs string[]!', '2 nonResourceURLs string[]'],
};

/** apiVersion/kind → root message (LocalSubjectAccessReview has SubjectAccessReview's fields). */
const ROOTS: Readonly<Record<string, string>> = {
  'authentication.k8s.io/v1/TokenReview': 'TokenReview',
  'authentication.k8s.io/v1/SelfSubjectReview': 'SelfSubjectReview',
  'authorization.k8s.io/v1/SubjectAccessReview': 'SubjectAccessReview',
  'authorization.k8s.io/v1/LocalSubjectAccessReview': 'SubjectAccessReview',
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'SelfSubjectAccessReview',
  'authorization.k8s.io/v1/SelfSubjectRulesReview': 'SelfSubjectRulesReview',
};

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

let decoder: MessageDecoder | undefined;

/** Decodes a review sent as Kubernetes protobuf into the JSON object Go's encoding/json would write. */
export function decodeReviewProtobuf(body: Buffer): KubeObject {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) throw malformed('it does not start with the Kubernetes protobuf magic bytes "k8s\\0"');
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  for (const f of readFields(body.subarray(MAGIC.length))) {
    if (f.wireType !== WireType.LengthDelimited) continue;
    if (f.no === 1) {
      for (const t of readFields(f.value)) {
        if (t.wireType === WireType.LengthDelimited && t.no === 1) apiVersion = t.value.toString('utf8');
        if (t.wireType === WireType.LengthDelimited && t.no === 2) kind = t.value.toString('utf8');
      }
    } else if (f.no === 2) raw = f.value;
    else if ((f.no === 3 || f.no === 4) && f.value.length > 0 && f.value.toString('utf8') !== 'application/vnd.kubernetes.protobuf') {
      throw new SkiffError('SKF_API_UNSUPPORTED_MEDIA_TYPE', `the protobuf envelope's content ${f.no === 3 ? 'encoding' : 'type'} "${f.value.toString('utf8')}" is not supported; send the object as JSON`);
    }
  }
  const root = ROOTS[`${apiVersion}/${kind}`];
  if (root === undefined) throw new SkiffError('SKF_API_UNSUPPORTED_MEDIA_TYPE', `skiff does not decode protobuf request bodies for ${kind} (${apiVersion}) here; send the object as JSON`);
  decoder ??= new MessageDecoder(compileSchema(META_V1, AUTHENTICATION_V1, AUTHORIZATION_V1));
  return { kind, apiVersion, ...decoder.decode(root, raw) } as KubeObject;
}
