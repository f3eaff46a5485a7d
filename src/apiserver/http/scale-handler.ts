/**
 * HTTP verbs of the `/scale` subresource: GET, PUT and PATCH of an autoscaling/v1 Scale
 * (what `kubectl scale` and autoscalers use). The Scale logic is storage/scale-service.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SkiffError } from '../../errors/skiff-error.ts';
import { methodNotAllowed } from '../storage/api-errors.ts';
import type { ScaleService } from '../storage/scale-service.ts';
import type { RequestContext, Target, WriteOptions } from '../storage/types.ts';
import { PATCH_CONTENT_TYPES } from '../storage/types.ts';
import { decodeBody, mediaType, readBody } from './body.ts';
import type { Verb } from './request-info.ts';
import { writeJson } from './respond.ts';

export async function handleScale(scales: ScaleService, req: IncomingMessage, res: ServerResponse, verb: Verb, target: Target, options: WriteOptions, ctx: RequestContext): Promise<void> {
  switch (verb) {
    case 'get':
      return writeJson(res, 200, await scales.get(target));
    case 'update': {
      const body = decodeBody(await readBody(req), req.headers['content-type']);
      return writeJson(res, 200, await scales.update(target, body, options, ctx), ctx.warnings);
    }
    case 'patch': {
      const type = PATCH_CONTENT_TYPES[mediaType(req.headers['content-type'])];
      if (!type) throw new SkiffError('SKF_API_UNSUPPORTED_MEDIA_TYPE', `the body of the request was in an unknown format (${req.headers['content-type'] ?? 'none'}) - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`);
      const patch = decodeBody(await readBody(req), req.headers['content-type']);
      return writeJson(res, 200, await scales.patch(target, type, patch, options, ctx), ctx.warnings);
    }
    default:
      throw methodNotAllowed(verb, target.def);
  }
}
