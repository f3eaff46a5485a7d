/**
 * Resource requests (/api/v1/…, /apis/<g>/<v>/…): turns HTTP verbs, query parameters and
 * bodies into calls on the storage layer, and its results into JSON, Table or watch-stream
 * responses, as kube-apiserver's endpoint handlers do.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../api/object.ts';
import { formatApiVersion } from '../../api/object.ts';
import { SkiffError } from '../../errors/skiff-error.ts';
import type { KindRegistry } from '../registry/kind-registry.ts';
import { badRequest, methodNotAllowed } from '../storage/api-errors.ts';
import type { ObjectService } from '../storage/object-service.ts';
import type { PatchService } from '../storage/patch-service.ts';
import type { DeleteOptions, FieldValidation, RequestContext, Target, WatchService } from '../storage/index.ts';
import { PATCH_CONTENT_TYPES } from '../storage/types.ts';
import { ScaleService } from '../storage/scale-service.ts';
import { findDuplicateFieldPaths } from '../../api/schema/duplicate-fields.ts';
import { decodeBody, mediaType, readBody } from './body.ts';
import { deleteResponse } from './delete-response.ts';
import { negotiate } from './negotiate.ts';
import type { ResourceRequest } from './request-info.ts';
import { writeJson } from './respond.ts';
import { handleScale } from './scale-handler.ts';
import { parseIncludeObject, toTable } from './table.ts';
import { streamWatch } from './watch-stream.ts';

/** Handlers for subresources other than status (pods/log, pods/exec …), provided by the runtime. */
export type SubresourceHandler = (req: IncomingMessage, res: ServerResponse, target: Target, ctx: RequestContext) => Promise<void>;

export interface ResourceHandlerDeps {
  registry: KindRegistry;
  objects: ObjectService;
  patches: PatchService;
  watches: WatchService;
  subresources: Map<string, SubresourceHandler>;
}

const GENERIC_SUBRESOURCES = new Set(['status', 'finalize', 'scale']);

export async function handleResource(deps: ResourceHandlerDeps, req: IncomingMessage, res: ServerResponse, info: ResourceRequest, query: URLSearchParams, ctx: RequestContext): Promise<void> {
  const resolved = deps.registry.resolve(info.group, info.version, info.resource);
  if (!resolved) throw new SkiffError('SKF_API_NOT_FOUND', 'the server could not find the requested resource', { details: { status: { group: info.group, kind: info.resource } } });
  const { def, version } = resolved;
  if (def.scope === 'Cluster' && info.namespace !== undefined) throw new SkiffError('SKF_API_NOT_FOUND', 'the server could not find the requested resource');
  const target: Target = { def, version, namespace: info.namespace, name: info.name, subresource: info.subresource };

  if (info.subresource !== undefined && !GENERIC_SUBRESOURCES.has(info.subresource)) {
    const handler = deps.subresources.get(`${def.group}/${def.plural}/${info.subresource}`);
    if (!handler) throw new SkiffError('SKF_API_NOT_FOUND', 'the server could not find the requested resource');
    return handler(req, res, target, ctx);
  }
  if (info.subresource === 'finalize' && !(def.group === '' && def.plural === 'namespaces')) throw new SkiffError('SKF_API_NOT_FOUND', 'the server could not find the requested resource');
  if (info.subresource === 'status' && !def.subresources.status) throw new SkiffError('SKF_API_NOT_FOUND', 'the server could not find the requested resource');
  if (info.subresource === 'scale') {
    if (!def.subresources.scale || info.name === undefined) throw new SkiffError('SKF_API_NOT_FOUND', 'the server could not find the requested resource');
    return handleScale(new ScaleService(deps.objects), req, res, info.verb, target, writeOptions(query), ctx);
  }

  const accept = negotiate(req.headers.accept);
  switch (info.verb) {
    case 'get': {
      const obj = await deps.objects.get(target);
      if (accept.as === 'Table') return writeJson(res, 200, toTable(def, version, [obj], { resourceVersion: obj.metadata.resourceVersion ?? '', includeObject: parseIncludeObject(query.get('includeObject')) }));
      return writeJson(res, 200, obj);
    }
    case 'list': {
      const list = await deps.objects.list(target, {
        ...opt('labelSelector', query.get('labelSelector')),
        ...opt('fieldSelector', query.get('fieldSelector')),
        ...opt('continue', query.get('continue')),
        ...opt('resourceVersion', query.get('resourceVersion')),
        ...(query.get('limit') ? { limit: parseLimit(query.get('limit')!) } : {}),
      });
      if (accept.as === 'Table') {
        return writeJson(res, 200, toTable(def, version, list.items, { resourceVersion: list.resourceVersion, ...opt('continue', list.continue), includeObject: parseIncludeObject(query.get('includeObject')) }));
      }
      return writeJson(res, 200, {
        apiVersion: formatApiVersion(def.group, version.name),
        kind: def.listKind,
        metadata: { resourceVersion: list.resourceVersion, ...opt('continue', list.continue), ...(list.remainingItemCount !== undefined ? { remainingItemCount: list.remainingItemCount } : {}) },
        items: list.items,
      });
    }
    case 'watch':
      return streamWatch(deps.watches, req, res, target, query, accept.as === 'Table');
    case 'create': {
      if (info.name !== undefined && info.subresource === undefined) throw methodNotAllowed('create', def);
      const options = writeOptions(query);
      const { body, duplicateFields } = await readObjectBody(req, options.fieldValidation !== 'Ignore');
      const created = await deps.objects.create(target, body, { ...options, duplicateFields }, ctx);
      return writeJson(res, 201, created, ctx.warnings);
    }
    case 'update': {
      const options = writeOptions(query);
      const { body, duplicateFields } = await readObjectBody(req, options.fieldValidation !== 'Ignore');
      const { object, created } = await deps.objects.replace(target, body, { ...options, duplicateFields }, ctx);
      return writeJson(res, created ? 201 : 200, object, ctx.warnings);
    }
    case 'patch': {
      const type = PATCH_CONTENT_TYPES[mediaType(req.headers['content-type'])];
      if (!type) throw unsupportedPatch(req.headers['content-type']);
      const force = query.get('force');
      if (force !== null && type !== 'apply') throw badRequest('force: Forbidden: may not be specified for non-apply patch');
      const raw = await readBody(req);
      const patch = decodeBody(raw, req.headers['content-type']);
      const { object, created } = await deps.patches.patch(target, type, patch, { ...writeOptions(query), force: force === 'true' }, ctx);
      return writeJson(res, created ? 201 : 200, object, ctx.warnings);
    }
    case 'delete': {
      const { orphanDependents, ...options } = await deleteOptions(req, query);
      const answer = deleteResponse(def, await deps.objects.delete(target, options, ctx), orphanDependents);
      return writeJson(res, answer.code, answer.body, ctx.warnings);
    }
    case 'deletecollection': {
      const { orphanDependents: _orphanDependents, ...options } = await deleteOptions(req, query);
      const list = await deps.objects.list(target, { ...opt('labelSelector', query.get('labelSelector')), ...opt('fieldSelector', query.get('fieldSelector')) });
      const removed: KubeObject[] = [];
      for (const item of list.items) {
        try {
          const { object } = await deps.objects.delete({ ...target, namespace: item.metadata.namespace, name: item.metadata.name }, options, ctx);
          removed.push(object);
        } catch (err) {
          if (!(err instanceof SkiffError && err.code === 'SKF_API_NOT_FOUND')) throw err;
        }
      }
      return writeJson(res, 200, { apiVersion: formatApiVersion(def.group, version.name), kind: def.listKind, metadata: { resourceVersion: list.resourceVersion }, items: removed }, ctx.warnings);
    }
  }
}

function opt<K extends string>(key: K, value: string | null | undefined): { [P in K]?: string } {
  return (value !== null && value !== undefined && value !== '' ? { [key]: value } : {}) as { [P in K]?: string };
}

function parseLimit(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`limit: Invalid value: "${raw}": must be a non-negative integer`);
  return n;
}

function parseFieldValidation(raw: string | null): FieldValidation | undefined {
  if (raw === null || raw === '') return undefined;
  if (raw === 'Strict' || raw === 'Warn' || raw === 'Ignore') return raw;
  throw badRequest(`fieldValidation: Unsupported value: "${raw}": supported values: "Ignore", "Strict", "Warn"`);
}

function parseDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

function writeOptions(query: URLSearchParams) {
  const fieldValidation = parseFieldValidation(query.get('fieldValidation'));
  const fieldManager = query.get('fieldManager');
  if (fieldManager !== null && fieldManager.length > 128) throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
  return { dryRun: parseDryRun(query), ...(fieldValidation ? { fieldValidation } : {}), ...(fieldManager ? { fieldManager } : {}) };
}

/** The object of a POST or PUT, with the keys its JSON text repeated (YAML bodies refuse them at parsing). */
async function readObjectBody(req: IncomingMessage, scanDuplicates: boolean): Promise<{ body: KubeObject; duplicateFields: string[] }> {
  const raw = await readBody(req);
  const type = mediaType(req.headers['content-type']);
  if (type !== '' && type !== 'application/json' && type !== 'application/vnd.kubernetes.protobuf' && type !== 'application/yaml' && type !== '*/*') {
    throw new SkiffError('SKF_API_UNSUPPORTED_MEDIA_TYPE', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
  }
  const body = decodeBody(raw, req.headers['content-type']);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SkiffError('SKF_API_MALFORMED_BODY', 'the request body must be a JSON object');
  const json = type === '' || type === 'application/json' || type === '*/*';
  return { body: body as KubeObject, duplicateFields: json && scanDuplicates ? findDuplicateFieldPaths(raw.toString('utf8')) : [] };
}

async function deleteOptions(req: IncomingMessage, query: URLSearchParams): Promise<DeleteOptions & { orphanDependents?: boolean }> {
  const raw = await readBody(req);
  const body = raw.length > 0 ? (decodeBody(raw, req.headers['content-type']) as Record<string, unknown>) : {};
  const policy = (query.get('propagationPolicy') ?? body.propagationPolicy) as string | undefined;
  if (policy !== undefined && policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
    throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  const orphanParam = query.get('orphanDependents');
  const orphan = orphanParam !== null ? orphanParam === 'true' : typeof body.orphanDependents === 'boolean' ? body.orphanDependents : undefined;
  const graceRaw = query.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
  const dryRun = parseDryRun(query) || (Array.isArray(body.dryRun) && body.dryRun.includes('All'));
  return {
    ...(policy ? { propagationPolicy: policy } : orphan === true ? { propagationPolicy: 'Orphan' as const } : {}),
    ...(graceRaw !== undefined && graceRaw !== null ? { gracePeriodSeconds: Number(graceRaw) } : {}),
    ...(body.preconditions ? { preconditions: body.preconditions as DeleteOptions['preconditions'] } : {}),
    ...(orphan !== undefined ? { orphanDependents: orphan } : {}),
    dryRun,
  };
}

function unsupportedPatch(contentType: string | undefined): SkiffError {
  return new SkiffError('SKF_API_UNSUPPORTED_MEDIA_TYPE', `the body of the request was in an unknown format (${contentType ?? 'none'}) - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
}
