/**
 * Decodes a review's request body (JSON, YAML or Kubernetes protobuf) and checks that it is the
 * kind the URL names, as the create handler's decoder does.
 */
import type { KubeObject } from '../../api/object.ts';
import { SkiffError } from '../../errors/skiff-error.ts';
import { decodeBody, mediaType } from '../http/body.ts';
import { badRequest } from '../storage/api-errors.ts';
import { decodeReviewProtobuf } from './review-protobuf.ts';

export function decodeReviewBody(raw: Buffer, contentType: string | undefined, apiVersion: string, kind: string): KubeObject {
  const type = mediaType(contentType);
  if (type !== '' && type !== 'application/json' && type !== 'application/yaml' && type !== 'application/vnd.kubernetes.protobuf' && type !== '*/*') {
    throw new SkiffError('SKF_API_UNSUPPORTED_MEDIA_TYPE', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
  }
  const body = type === 'application/vnd.kubernetes.protobuf' ? decodeReviewProtobuf(raw) : decodeBody(raw, contentType);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SkiffError('SKF_API_MALFORMED_BODY', 'the request body must be a JSON object');
  const review = body as KubeObject;
  // A body may omit apiVersion/kind (the URL says them); one that names another kind is refused.
  if (review.apiVersion !== undefined && review.apiVersion !== '' && review.apiVersion !== apiVersion) {
    throw badRequest(`the API version in the data (${review.apiVersion}) does not match the expected API version (${apiVersion})`);
  }
  if (review.kind !== undefined && review.kind !== '' && review.kind !== kind) throw badRequest(`the kind in the data (${review.kind}) does not match the expected kind (${kind})`);
  return { ...review, apiVersion, kind, metadata: review.metadata ?? ({} as KubeObject['metadata']) };
}
