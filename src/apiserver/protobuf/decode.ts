/**
 * Request bodies in `application/vnd.kubernetes.protobuf`, which kubectl 1.32's typed clients
 * send for `kubectl create secret|configmap|namespace|serviceaccount|deployment|service|
 * role|rolebinding|clusterrole|clusterrolebinding`
 * (kubernetes-api.md §1.6). The body is the 4-byte magic `k8s\0` followed by a
 * runtime.Unknown {1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding,
 * 4 contentType} (apimachinery pkg/runtime/generated.proto); `raw` is the object's own
 * message, decoded here into the JSON object kubectl would have sent as JSON.
 */
import type { KubeObject } from '../../api/object.ts';
import { SkiffError } from '../../errors/skiff-error.ts';
import { MessageDecoder } from './decode-message.ts';
import { APPS_V1 } from './messages-apps.ts';
import { CORE_V1 } from './messages-core.ts';
import { META_V1 } from './messages-meta.ts';
import { CORE_V1_POD } from './messages-pod.ts';
import { RBAC_V1 } from './messages-rbac.ts';
import { compileSchema } from './schema.ts';
import { malformed, readFields, WireType } from './wire.ts';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

/** apiVersion → kind → root message, for every kind whose protobuf body skiff decodes. */
const ROOT_MESSAGES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  v1: { ConfigMap: 'ConfigMap', Namespace: 'Namespace', Pod: 'Pod', Secret: 'Secret', Service: 'Service', ServiceAccount: 'ServiceAccount' },
  'apps/v1': { Deployment: 'Deployment' },
  'rbac.authorization.k8s.io/v1': { ClusterRole: 'ClusterRole', ClusterRoleBinding: 'ClusterRoleBinding', Role: 'Role', RoleBinding: 'RoleBinding' },
};

const decoder = new MessageDecoder(compileSchema(META_V1, CORE_V1, CORE_V1_POD, APPS_V1, RBAC_V1));

/** The kinds `decodeKubernetesProtobuf` accepts, as `apiVersion/kind` pairs. */
export function supportedProtobufKinds(): { apiVersion: string; kind: string }[] {
  return Object.entries(ROOT_MESSAGES).flatMap(([apiVersion, kinds]) => Object.keys(kinds).map((kind) => ({ apiVersion, kind })));
}

function describeSupported(): string {
  return Object.entries(ROOT_MESSAGES).map(([apiVersion, kinds]) => `${apiVersion} ${Object.keys(kinds).join(', ')}`).join('; ');
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Buffer;
  contentEncoding: string;
  contentType: string;
}

function readEnvelope(body: Buffer): Envelope {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw malformed('it does not start with the Kubernetes protobuf magic bytes "k8s\\0"');
  }
  const envelope: Envelope = { apiVersion: '', kind: '', raw: Buffer.alloc(0), contentEncoding: '', contentType: '' };
  for (const f of readFields(body.subarray(MAGIC.length))) {
    if (f.wireType !== WireType.LengthDelimited) continue;
    if (f.no === 1) {
      for (const t of readFields(f.value)) {
        if (t.wireType !== WireType.LengthDelimited) continue;
        if (t.no === 1) envelope.apiVersion = t.value.toString('utf8');
        else if (t.no === 2) envelope.kind = t.value.toString('utf8');
      }
    } else if (f.no === 2) envelope.raw = f.value;
    else if (f.no === 3) envelope.contentEncoding = f.value.toString('utf8');
    else if (f.no === 4) envelope.contentType = f.value.toString('utf8');
  }
  return envelope;
}

/**
 * Decodes a Kubernetes protobuf request body into a JSON-shaped object, field for field what
 * Go's encoding/json would produce from the same object (so `kind` and `apiVersion` first,
 * `"creationTimestamp": null`, `"status": {}` …).
 *
 * Throws SkiffError SKF_API_MALFORMED_BODY for bytes that are not valid protobuf, and
 * SKF_API_UNSUPPORTED_MEDIA_TYPE for kinds (or fields) skiff cannot decode, naming the
 * JSON workaround.
 */
export function decodeKubernetesProtobuf(body: Buffer): KubeObject {
  const envelope = readEnvelope(body);
  if (envelope.kind === '' || envelope.apiVersion === '') throw malformed('the runtime.Unknown envelope has no apiVersion and kind');
  if (envelope.contentEncoding !== '') {
    throw new SkiffError('SKF_API_UNSUPPORTED_MEDIA_TYPE', `protobuf request bodies with content encoding "${envelope.contentEncoding}" are not supported; send the object as JSON`);
  }
  if (envelope.contentType !== '' && envelope.contentType !== PROTOBUF_MEDIA_TYPE) {
    throw new SkiffError('SKF_API_UNSUPPORTED_MEDIA_TYPE', `the protobuf envelope wraps content type "${envelope.contentType}", which skiff does not decode; send the object as JSON`);
  }
  const root = ROOT_MESSAGES[envelope.apiVersion]?.[envelope.kind];
  if (root === undefined) {
    throw new SkiffError(
      'SKF_API_UNSUPPORTED_MEDIA_TYPE',
      `skiff does not decode protobuf request bodies for ${envelope.kind} (${envelope.apiVersion}); it decodes ${describeSupported()}. ` +
        'Send the object as JSON instead, e.g. `kubectl create … --dry-run=client -o yaml | kubectl apply -f -`',
      { details: { apiVersion: envelope.apiVersion, kind: envelope.kind } },
    );
  }
  const fields = decoder.decode(root, envelope.raw);
  return { kind: envelope.kind, apiVersion: envelope.apiVersion, ...fields } as KubeObject;
}
