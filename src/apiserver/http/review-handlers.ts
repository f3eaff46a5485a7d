/**
 * HTTP side of the create-only review kinds (TokenReview, SelfSubjectReview,
 * SubjectAccessReview &co.): POST on
 * the collection, answered 201 with the review and its status, nothing stored — as
 * kube-apiserver's REST storages that implement only Create. Other methods answer 405, as
 * kube-apiserver registers no other route for them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../api/object.ts';
import { isReviewKind } from '../../api/builtin/util/review-kind.ts';
import { SkiffError } from '../../errors/skiff-error.ts';
import type { KindRegistry } from '../registry/kind-registry.ts';
import { reviewLocalSubjectAccess, reviewSelfSubjectAccess, reviewSelfSubjectRules, reviewSubjectAccess, type Subject } from '../reviews/access-review.ts';
import { reviewSelf, reviewToken, type TokenAuthenticator } from '../reviews/token-review.ts';
import { badRequest, methodNotAllowed } from '../storage/api-errors.ts';
import { decodeReviewBody } from '../reviews/review-body.ts';
import { decodeStrictly } from '../reviews/strict-decoding.ts';
import type { ResourceRequest } from './request-info.ts';
import { readBody } from './body.ts';
import { writeJson } from './respond.ts';

export interface ReviewDeps {
  registry: KindRegistry;
  /** Authenticates a bearer token as this API server authenticates requests. */
  authenticateToken: TokenAuthenticator;
}

/** Whether the request is for a review kind (then handleReview answers it). */
export function isReviewRequest(registry: KindRegistry, info: ResourceRequest): boolean {
  const resolved = registry.resolve(info.group, info.version, info.resource);
  return resolved !== undefined && isReviewKind(resolved.def);
}

const notFound = () => new SkiffError('SKF_API_NOT_FOUND', 'the server could not find the requested resource');

export async function handleReview(deps: ReviewDeps, req: IncomingMessage, res: ServerResponse, info: ResourceRequest, requester: Subject): Promise<void> {
  const { def } = deps.registry.resolve(info.group, info.version, info.resource)!;
  if (info.name !== undefined || info.subresource !== undefined) throw notFound();
  if ((def.scope === 'Cluster') !== (info.namespace === undefined)) throw notFound();
  if (req.method !== 'POST') {
    req.resume();
    // kube-apiserver's router answers a bare 405, which client-go words as below.
    throw methodNotAllowed((req.method ?? '').toLowerCase(), def);
  }
  const query = new URL(req.url ?? '/', 'https://skiff.invalid').searchParams;
  // Reviews store nothing, so a dry run is answered like any other (the storages ignore it).
  const dryRun = query.getAll('dryRun').find((v) => v !== 'All');
  if (dryRun !== undefined) throw badRequest(`dryRun: Unsupported value: "${dryRun}": supported values: "All"`);
  const review = decodeReviewBody(await readBody(req), req.headers['content-type'], `${info.group}/${info.version}`, def.kind);
  const warnings = decodeStrictly(review, def, query.get('fieldValidation'));
  if (info.namespace !== undefined) {
    // The generic create handler's rule for namespaced objects (rest.EnsureObjectNamespaceMatchesRequestNamespace).
    const own = review.metadata?.namespace;
    if (own !== undefined && own !== '' && own !== info.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    review.metadata = { ...review.metadata, namespace: info.namespace };
  }
  writeJson(res, 201, answer(deps, def.kind, review, info.namespace ?? '', requester), warnings);
}

function answer(deps: ReviewDeps, kind: string, review: KubeObject, namespace: string, requester: Subject): KubeObject {
  switch (kind) {
    case 'TokenReview': return reviewToken(review, deps.authenticateToken);
    case 'SelfSubjectReview': return reviewSelf({ user: requester.user, groups: [...requester.groups] });
    case 'SubjectAccessReview': return reviewSubjectAccess(review);
    case 'LocalSubjectAccessReview': return reviewLocalSubjectAccess(review, namespace);
    case 'SelfSubjectAccessReview': return reviewSelfSubjectAccess(review, requester);
    case 'SelfSubjectRulesReview': return reviewSelfSubjectRules(review);
  }
  throw notFound();
}
