/**
 * PATCH: JSON patch, JSON merge patch, strategic merge patch (built-in kinds only, as in
 * Kubernetes: custom resources answer 415) and server-side apply (upsert, field ownership,
 * conflicts). Each patch is applied to the current object and written through
 * ObjectService.updateWith, so admission, concurrency and status rules are the same as for
 * PUT.
 */
import type { KubeObject } from '../../api/object.ts';
import { formatApiVersion } from '../../api/object.ts';
import { fieldErr } from '../../api/field-error.ts';
import { strictDecodingError } from '../../api/schema/field-validation.ts';
import { goJsonMarshal, goValue } from '../../api/schema/go-format.ts';
import { SkiffError, isSkiffError } from '../../errors/skiff-error.ts';
import { serverSideApply } from '../patch/apply.ts';
import type { JsonValue } from '../patch/json.ts';
import { applyJsonPatch } from '../patch/json-patch.ts';
import { applyConflictError } from '../patch/managed/conflicts.ts';
import { applyMergePatch } from '../patch/merge-patch.ts';
import { applyStrategicMergePatch } from '../patch/strategic-merge-patch.ts';
import { badRequest, invalid } from './api-errors.ts';
import type { ObjectService } from './object-service.ts';
import { nowTimestamp } from './system-fields.ts';
import type { PatchOptions, PatchType, RequestContext, Target } from './types.ts';

export class PatchService {
  readonly #objects: ObjectService;

  constructor(objects: ObjectService) {
    this.#objects = objects;
  }

  async patch(t: Target, type: PatchType, patch: unknown, opts: PatchOptions, ctx: RequestContext): Promise<{ object: KubeObject; created: boolean }> {
    if (t.name === undefined) throw badRequest('a patch must name the object');
    if (type === 'apply') return this.#apply(t, patch, opts, ctx);
    if (type === 'strategic' && !t.def.builtin) {
      throw new SkiffError('SKF_API_UNSUPPORTED_MEDIA_TYPE', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
    }
    if (type !== 'json' && (typeof patch !== 'object' || patch === null || Array.isArray(patch))) {
      throw new SkiffError('SKF_API_BAD_PATCH', 'the patch is not a JSON object');
    }
    const applyTo = (current: KubeObject): KubeObject => {
      switch (type) {
        case 'json':
          return applyJsonPatch(current as unknown as JsonValue, patch) as unknown as KubeObject;
        case 'merge':
          return applyMergePatch(current as unknown as JsonValue, patch as JsonValue) as unknown as KubeObject;
        case 'strategic':
          return applyStrategicMergePatch(current as unknown as JsonValue, patch as JsonValue, t.version.schema) as unknown as KubeObject;
      }
    };
    let patchedJson = (): string => '';
    try {
      const object = await this.#objects.updateWith(t, (current) => {
        patchedJson = () => goJsonMarshal(applyTo(current));
        return applyTo(current);
      }, opts, ctx);
      return { object, created: false };
    } catch (err) {
      // kube-apiserver's patch handler (patch.go) reports a patched object it cannot decode
      // (wrong types, or unknown fields under Strict) as 422 on the field `patch`: the patched
      // JSON for JSON and merge patches, Go's %v of the patch for strategic merge patches.
      const detail = undecodablePatchDetail(err);
      if (detail === undefined) throw err;
      throw invalid({ kind: '', group: '' }, '', [fieldErr.invalid('patch', type === 'strategic' ? goValue(patch) : patchedJson(), detail)]);
    }
  }

  async #apply(t: Target, body: unknown, opts: PatchOptions, ctx: RequestContext): Promise<{ object: KubeObject; created: boolean }> {
    if (!opts.fieldManager) throw invalidPatchOptions('fieldManager: Required value: is required for apply patch');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SkiffError('SKF_API_BAD_PATCH', 'the apply patch must be a YAML or JSON object');
    const applied = body as KubeObject;
    const apiVersion = formatApiVersion(t.def.group, t.version.name);
    const ssa = (live: KubeObject | undefined) => {
      const result = serverSideApply(live, applied, { manager: opts.fieldManager!, force: opts.force ?? false, schema: t.version.schema, apiVersion, now: nowTimestamp(), ...(t.def.subresources.status ? {} : { resetFields: [] }), ...(t.subresource ? { subresource: t.subresource } : {}) });
      if (result.conflicts.length > 0) throw applyConflictError(result.conflicts);
      return result.object;
    };
    const writeOpts = { ...opts, managedFieldsDone: true };
    try {
      const object = await this.#objects.updateWith(t, (current) => ssa(current), writeOpts, ctx);
      return { object, created: false };
    } catch (err) {
      if (!isSkiffError(err, 'SKF_API_NOT_FOUND') || t.subresource !== undefined) throw err;
    }
    // Apply creates the object when it does not exist (kube-apiserver forceAllowCreate).
    const created = ssa(undefined);
    created.metadata = { ...created.metadata, name: t.name };
    try {
      return { object: await this.#objects.create({ ...t, name: undefined }, created, writeOpts, ctx), created: true };
    } catch (err) {
      // Lost a race with another creator: apply onto what they made.
      if (!isSkiffError(err, 'SKF_API_ALREADY_EXISTS')) throw err;
      return { object: await this.#objects.updateWith(t, (current) => ssa(current), writeOpts, ctx), created: false };
    }
  }
}

/** The decoding error admission found in a patched object, or undefined for other errors. */
function undecodablePatchDetail(err: unknown): string | undefined {
  if (isSkiffError(err, 'SKF_API_UNKNOWN_FIELD')) {
    const problems = (err.details?.strictDecodingErrors as string[] | undefined) ?? [err.message];
    return strictDecodingError(problems);
  }
  if (isSkiffError(err, 'SKF_API_BAD_REQUEST') && typeof err.details?.decodeError === 'string') return err.details.decodeError;
  return undefined;
}

function invalidPatchOptions(message: string): SkiffError {
  const [field, rest] = message.split(': ', 2) as [string, string];
  const err = invalid({ kind: 'PatchOptions', group: 'meta.k8s.io' }, '', [{ type: 'FieldValueRequired', field, detail: rest.replace(/^Required value: /, '') }]);
  return err;
}
