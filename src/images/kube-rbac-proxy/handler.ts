/**
 * One request through kube-rbac-proxy, in upstream's order (cmd/kube-rbac-proxy/app):
 * --allow-paths (no match: 404) → --ignore-paths (a match skips authentication and
 * authorization) → authentication (401 `Unauthorized`) → authorization of the request's
 * verb on its path (403 `Forbidden (user=…)`, 500 when the review failed) → the auth
 * headers when enabled → the upstream. A bearer token that authenticated is not passed on
 * (k8s.io/apiserver's bearer token authenticator deletes the header).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authentication } from './auth.ts';
import type { Forwarder } from './forward.ts';
import { goHttpError, goNotFound } from './go-responses.ts';
import type { Klog } from './klog.ts';
import { authorizationErrorMessage, forbiddenMessage, requestAttributes, type Decision, type RequestAttributes, type UserInfo } from './reviews.ts';

export interface HandlerDeps {
  allowPaths: readonly RegExp[];
  ignorePaths: readonly RegExp[];
  clientCAConfigured: boolean;
  authHeaders?: { userField: string; groupsField: string; separator: string };
  authenticator: { authenticate(req: IncomingMessage, clientCAConfigured: boolean): Promise<Authentication | undefined> };
  authorizer: { authorize(user: UserInfo, attrs: RequestAttributes): Promise<{ decision: Decision; reason: string }> };
  forwarder: Pick<Forwarder, 'forward'>;
  log: Klog;
}

/** Go's req.URL.Path: the request target's path, percent-decoded (left as sent when malformed). */
export function requestPath(url: string | undefined): string {
  const raw = (url ?? '/').split('?')[0]!;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function rbacProxyHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = requestPath(req.url);
    if (deps.allowPaths.length > 0 && !deps.allowPaths.some((p) => p.test(path))) return goNotFound(res);
    if (deps.ignorePaths.some((p) => p.test(path))) return deps.forwarder.forward(req, res, {}, []);
    void authenticateAndForward(deps, req, res, path);
  };
}

async function authenticateAndForward(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  let authn: Authentication | undefined;
  try {
    authn = await deps.authenticator.authenticate(req, deps.clientCAConfigured);
  } catch (err) {
    deps.log.error(`Unable to authenticate the request due to an error: ${(err as Error).message}`);
    return goHttpError(res, 'Unauthorized', 401);
  }
  if (!authn) return goHttpError(res, 'Unauthorized', 401);
  const attrs = requestAttributes(req.method ?? 'GET', path);
  let answer: { decision: Decision; reason: string };
  try {
    answer = await deps.authorizer.authorize(authn.user, attrs);
  } catch (err) {
    const message = authorizationErrorMessage(authn.user, attrs);
    deps.log.error(`${message}: ${(err as Error).message}`);
    return goHttpError(res, message, 500);
  }
  if (answer.decision !== 'allow') {
    const message = forbiddenMessage(authn.user, attrs);
    deps.log.v(2, `${message}. Reason: ${JSON.stringify(answer.reason)}.`);
    return goHttpError(res, message, 403);
  }
  const extra: Record<string, string> = {};
  if (deps.authHeaders) {
    extra[deps.authHeaders.userField.toLowerCase()] = authn.user.name;
    extra[deps.authHeaders.groupsField.toLowerCase()] = authn.user.groups.join(deps.authHeaders.separator);
  }
  deps.forwarder.forward(req, res, extra, authn.via === 'token' ? ['authorization'] : []);
}
