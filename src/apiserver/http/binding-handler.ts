/**
 * HTTP side of pods/binding: only POST (create) is served; the body is a v1 Binding (JSON,
 * YAML or protobuf) and the answer a Success Status with code 201, as kube-apiserver's.
 */
import type { KubeObject } from '../../api/object.ts';
import { SkiffError } from '../../errors/skiff-error.ts';
import { badRequest, methodNotAllowed } from '../storage/api-errors.ts';
import { BINDING_SUCCESS, bindPod } from '../storage/pod-binding.ts';
import type { Store } from '../../store/types.ts';
import { decodeBody, readBody } from './body.ts';
import type { SubresourceHandler } from './resource-handler.ts';
import { writeJson } from './respond.ts';

export function podBindingHandler(store: Store): SubresourceHandler {
  return async (req, res, target) => {
    if (req.method !== 'POST') throw methodNotAllowed(req.method === 'GET' ? 'get' : (req.method ?? '').toLowerCase(), { group: '', plural: 'pods/binding' });
    const body = decodeBody(await readBody(req), req.headers['content-type']);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SkiffError('SKF_API_MALFORMED_BODY', 'the request body must be a JSON object');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const dryRun = url.searchParams.getAll('dryRun');
    if (dryRun.some((v) => v !== 'All')) throw badRequest(`dryRun: Unsupported value: "${dryRun.find((v) => v !== 'All')}": supported values: "All"`);
    await bindPod(store, { namespace: target.namespace ?? '', name: target.name ?? '', binding: body as KubeObject, dryRun: dryRun.length > 0 });
    writeJson(res, 201, BINDING_SUCCESS);
  };
}
