/**
 * The API server's request handler: authentication, then routing to discovery, OpenAPI,
 * health and version endpoints, or resource handling. Every error leaves as a
 * metav1.Status with Kubernetes' reason and code (and skiff's code in X-Skiff-Error-Code).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SkiffError } from '../../errors/skiff-error.ts';
import type { Logger } from '../../util/log.ts';
import { openApiV3Response, type OpenApiV3Service } from '../openapi/index.ts';
import type { KindRegistry } from '../registry/kind-registry.ts';
import type { RequestContext } from '../storage/index.ts';
import { aggregatedDiscovery, legacyApiVersions, legacyGroup, legacyGroupList, legacyResourceList } from './discovery.ts';
import { negotiate } from './negotiate.ts';
import { parseRequestInfo } from './request-info.ts';
import { handleResource, type ResourceHandlerDeps } from './resource-handler.ts';
import { handleReview, isReviewRequest } from './review-handlers.ts';
import { writeError, writeJson, writeText } from './respond.ts';

export interface Identity {
  user: string;
  groups: readonly string[];
}

export interface HealthCheck {
  name: string;
  check(): { ok: boolean; message?: string };
}


export interface ApiHandlerDeps extends ResourceHandlerDeps {
  registry: KindRegistry;
  authenticate(req: IncomingMessage): Identity | undefined;
  openapi: OpenApiV3Service;
  health: () => HealthCheck[];
  version: object;
  /** Extra non-resource JSON endpoints (e.g. /skiff/v1/status). */
  extraRoutes?: Map<string, () => object>;
  log: Logger;
}

const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const OPENAPI_V2_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

export function createApiHandler(deps: ApiHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const ctx: RequestContext = { user: 'anonymous', warnings: [] };
    handle(deps, req, res, ctx).catch((err: unknown) => {
      if (!(err instanceof SkiffError)) deps.log.error({ err, method: req.method, url: req.url }, 'request failed');
      writeError(res, err, ctx.warnings);
    });
  };
}

async function handle(deps: ApiHandlerDeps, req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
  const identity = deps.authenticate(req);
  if (!identity) throw new SkiffError('SKF_API_UNAUTHORIZED', 'Unauthorized');
  ctx.user = identity.user;
  const url = new URL(req.url ?? '/', 'https://skiff.invalid');
  const info = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams);

  if (info.kind === 'resource') {
    // TokenReview and the access reviews are answered, never stored (review-handlers.ts).
    if (isReviewRequest(deps.registry, info)) return handleReview({ registry: deps.registry, authenticateToken: (token) => authenticateToken(deps, token) }, req, res, info, identity);
    return handleResource(deps, req, res, info, url.searchParams, ctx);
  }
  if (info.kind === 'discovery') {
    const body = info.version === undefined ? legacyGroup(deps.registry, info.group) : legacyResourceList(deps.registry, info.group, info.version);
    if (!body) throw new SkiffError('SKF_API_NOT_FOUND', 'the server could not find the requested resource');
    return writeJson(res, 200, body);
  }
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new SkiffError('SKF_API_METHOD_NOT_ALLOWED', `the server does not allow this method on the requested resource (${req.method} ${path})`);
  switch (path) {
    case '/api':
    case '/apis': {
      const aggregated = negotiate(req.headers.accept).as === 'APIGroupDiscoveryList';
      if (aggregated) return writeJson(res, 200, aggregatedDiscovery(deps.registry, path === '/api'), [], AGGREGATED_CONTENT_TYPE);
      return writeJson(res, 200, path === '/api' ? legacyApiVersions() : legacyGroupList(deps.registry));
    }
    case '/version':
      return writeJson(res, 200, deps.version);
    case '/healthz':
    case '/livez':
    case '/readyz':
      return writeHealth(res, deps.health(), url.searchParams.has('verbose'), path);
    case '/openapi/v2':
      // An empty protobuf document is a valid empty spec: kubectl then relies on the v3
      // documents (and on server-side field validation) instead of failing.
      res.writeHead(200, { 'Content-Type': OPENAPI_V2_CONTENT_TYPE, 'Content-Length': '0' });
      return void res.end();
  }
  if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) {
    const answer = openApiV3Response(deps.openapi, { path, query: url.searchParams, ...(req.headers.accept ? { accept: req.headers.accept } : {}), ...(typeof req.headers['if-none-match'] === 'string' ? { ifNoneMatch: req.headers['if-none-match'] } : {}) });
    if (!answer) throw new SkiffError('SKF_API_NOT_FOUND', 'the server could not find the requested resource');
    res.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(Buffer.byteLength(answer.body)) });
    return void res.end(answer.body);
  }
  const extra = deps.extraRoutes?.get(path);
  if (extra) return writeJson(res, 200, extra());
  throw new SkiffError('SKF_API_NOT_FOUND', 'the server could not find the requested resource');
}

/**
 * A TokenReview's token is authenticated exactly as a request bearing it would be (the
 * tokenreview storage builds such a request too): a request with that header and no TLS
 * peer, so a client certificate cannot stand in for the token.
 */
function authenticateToken(deps: ApiHandlerDeps, token: string): Identity | undefined {
  const bare = { headers: { authorization: `Bearer ${token}` }, socket: null } as unknown as IncomingMessage;
  return deps.authenticate(bare);
}

function writeHealth(res: ServerResponse, checks: HealthCheck[], verbose: boolean, path: string): void {
  const results = checks.map((c) => ({ name: c.name, ...c.check() }));
  const ok = results.every((r) => r.ok);
  if (!verbose) return writeText(res, ok ? 200 : 500, ok ? 'ok' : `${path.slice(1)} check failed`);
  const lines = results.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.message ?? 'reason withheld'}`));
  lines.push(ok ? `${path.slice(1)} check passed` : `${path.slice(1)} check failed`);
  writeText(res, ok ? 200 : 500, lines.join('\n') + '\n');
}
