/**
 * The admission chain every write passes, in kube-apiserver's order:
 *   decode (unknown fields: Strict → 400, Warn → warning, Ignore → pruned)
 *   → schema defaults → the kind's Go defaults → managed fields → mutating admission (a
 *   kind's defaulting webhook, then plugins such as sidecar injection) → validation
 *   (ObjectMeta, schema, kind rules) → validating plugins → warnings (kind warnings,
 *   deprecated versions).
 * Plugins are how later areas (mesh, serving) add admission webhooks' behaviour; they may
 * read the cluster through the client.
 */
import type { FieldError } from '../../api/field-error.ts';
import type { KindDefinition, ValidationContext } from '../../api/kind.ts';
import type { KubeObject } from '../../api/object.ts';
import { nameValidatorFor } from '../../api/meta/names.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/meta/validate-meta.ts';
import { goDecodeError } from '../../api/builtin/schemas/go-decode-error.ts';
import { goQuote } from '../../api/schema/go-format.ts';
import { dropStoredMalformedMetadata, objectMetaDecodeError } from '../../api/meta/decode-meta.ts';
import { duplicateFieldMessage, strictDecodingMessage, unknownFieldMessage } from '../../api/schema/prune.ts';
import { admitAgainstSchema, checkValues, prepareAgainstSchema } from '../../api/schema/validate.ts';
import { schemaForWrittenPart } from '../../api/schema/written-part.ts';
import type { JSONSchemaProps } from '../../api/schema-types.ts';
import type { Client } from '../../client/types.ts';
import { SkiffError } from '../../errors/skiff-error.ts';
import type { KindRegistry } from '../registry/kind-registry.ts';
import { invalid } from './api-errors.ts';
import { recordManagedFields } from './managed-fields.ts';
import type { FieldValidation, RequestContext, Target } from './types.ts';
import { cloneJson } from '../../util/clone-json.ts';

export interface AdmitOptions {
  operation: 'create' | 'update' | 'status';
  /** The stored object before this write (in the client's version); absent on create. */
  old?: KubeObject;
  fieldValidation: FieldValidation;
  fieldManager: string;
  now: string;
  /** Managed fields are already computed by the caller (server-side apply). */
  managedFieldsDone?: boolean;
  /** Keys the request body repeated (WriteOptions.duplicateFields). */
  duplicateFields?: readonly string[];
}

export interface AdmissionRequest {
  target: Target;
  object: KubeObject;
  old?: KubeObject;
  operation: 'create' | 'update' | 'status';
  client: Client;
  ctx: RequestContext;
}

/** An admission plugin: a mutating and/or validating webhook's behaviour. */
export interface AdmissionPlugin {
  readonly name: string;
  /** Which kinds it applies to. */
  handles(def: KindDefinition): boolean;
  mutate?(req: AdmissionRequest): Promise<void> | void;
  /** Returns field errors (→ 422) or throws a SkiffError for other rejections. */
  validate?(req: AdmissionRequest): Promise<FieldError[]> | FieldError[];
}

export interface Admission {
  admit(t: Target, obj: KubeObject, opts: AdmitOptions, ctx: RequestContext): Promise<KubeObject>;
}

/**
 * The schema the write is prepared and checked against: the parts the object service carried
 * over from the stored object (everything but status on /status, status on a main-resource
 * update) were checked when they were stored (written-part.ts).
 */
function writtenSchema(t: Target, operation: AdmitOptions['operation']): JSONSchemaProps {
  if (operation === 'status' && t.subresource === 'status') return schemaForWrittenPart(t.version.schema, 'all-but-status');
  if (operation === 'update' && t.subresource === undefined && t.def.subresources.status) return schemaForWrittenPart(t.version.schema, 'status');
  return t.version.schema;
}

export class KindAdmission implements Admission {
  readonly #registry: KindRegistry;
  readonly #plugins: AdmissionPlugin[] = [];
  #client: Client | undefined;

  constructor(deps: { registry: KindRegistry }) {
    this.#registry = deps.registry;
  }

  setClient(client: Client): void {
    this.#client = client;
  }

  addPlugin(plugin: AdmissionPlugin): void {
    this.#plugins.push(plugin);
  }

  async admit(t: Target, input: KubeObject, opts: AdmitOptions, ctx: RequestContext): Promise<KubeObject> {
    const { def, version } = t;
    const obj = input;
    const name = obj.metadata.name ?? '';
    const schema = writtenSchema(t, opts.operation);

    // 1. Decode. A built-in kind's Go types refuse a value of the wrong type outright (400,
    // before unknown fields); custom resources meet type errors in schema validation (422),
    // except in `metadata`, which apiextensions-apiserver decodes into ObjectMeta first.
    const builtinTypes = def.builtin && !def.fromCrd;
    if (!builtinTypes && opts.old) dropStoredMalformedMetadata(obj.metadata as Record<string, unknown>, opts.old.metadata as Record<string, unknown>);
    const decodeError = builtinTypes ? goDecodeError(obj as Record<string, unknown>, schema, def.kind) : objectMetaDecodeError(obj.metadata);
    if (decodeError !== undefined) {
      throw new SkiffError('SKF_API_BAD_REQUEST', `${def.kind} in version ${goQuote(version.name)} cannot be handled as a ${def.kind}: ${decodeError}`, { details: { decodeError } });
    }
    // Unknown fields. Status writes only change status; the rest is stored data.
    // Values are checked once, in step 4, on the object as it will be stored.
    const schemaResult = prepareAgainstSchema(obj as Record<string, unknown>, schema, { fieldValidation: opts.fieldValidation });
    // The strict decoder's findings, repeated keys first (they come from the body's text).
    // Go's struct decoder checks repeated keys only among known fields (and map keys): under
    // a field it does not know it reports the unknown field alone.
    const known = (path: string) => !builtinTypes || !schemaResult.unknownFields.some((u) => path === u || path.startsWith(`${u}.`) || path.startsWith(`${u}[`));
    const duplicates = opts.fieldValidation === 'Ignore' ? [] : (opts.duplicateFields ?? []).filter(known).map(duplicateFieldMessage);
    if ((duplicates.length > 0 || schemaResult.unknownFields.length > 0) && opts.fieldValidation === 'Strict') {
      const problems = [...duplicates, ...schemaResult.unknownFields.map(unknownFieldMessage)];
      // The problems travel along: a PATCH reports them in its own form (see PatchService).
      throw new SkiffError('SKF_API_UNKNOWN_FIELD', strictDecodingMessage(def.kind, version.name, problems), { details: { strictDecodingErrors: problems } });
    }
    ctx.warnings.push(...duplicates, ...schemaResult.warnings);

    // 2. Defaults beyond the schema's (Kubernetes' SetDefaults_*, part of decoding).
    const vctx: ValidationContext = { operation: opts.operation, user: ctx.user, ...(opts.old ? { old: opts.old } : {}) };
    if (!def.defaultsByWebhook) def.defaults?.(obj, vctx);

    // 3. Ownership of the fields this write sets — before mutating admission, as kube-apiserver's
    // handlers run the field manager before the mutating chain: what a plugin adds (the service
    // account's token volume, an injected sidecar) is owned by no one.
    if (!opts.managedFieldsDone) recordManagedFields(def, version, opts.old, obj, { manager: opts.fieldManager, now: opts.now, subresource: t.subresource });

    // 4. Mutating admission: a webhook's defaults, then the plugins.
    if (def.defaultsByWebhook) def.defaults?.(obj, vctx);
    const plugins = this.#plugins.filter((p) => p.handles(def));
    const request = (): AdmissionRequest => ({ target: t, object: obj, ...(opts.old ? { old: opts.old } : {}), operation: opts.operation, client: this.#requireClient(), ctx });
    for (const p of plugins) await p.mutate?.(request());

    // 5. Validation: everything wrong, reported at once.
    const errors: FieldError[] = [];
    const rules = { namespaced: def.scope === 'Namespaced', validateName: nameValidatorFor(def.nameRule) };
    if (opts.old) errors.push(...validateObjectMetaUpdate({ ...obj.metadata, resourceVersion: opts.old.metadata.resourceVersion ?? '0' }, opts.old.metadata));
    else errors.push(...validateObjectMeta(obj.metadata, rules));
    // Re-validate after kind defaults and plugins changed the object. Most writes come out clean
    // as they are; only then is the full pass (on a copy: prune, defaults, check) skipped.
    const finalSchema = checkValues(obj as Record<string, unknown>, schema).length === 0
      ? { errors: [] }
      : admitAgainstSchema(cloneJson(obj) as Record<string, unknown>, schema, { fieldValidation: 'Ignore' });
    // Warnings go out even when the write is then denied, as webhook warnings do.
    ctx.warnings.push(...(def.warnings?.(obj, vctx) ?? []));
    if (runsWithSchemaErrors(def, finalSchema.errors)) {
      // A built-in kind's validation is one pass over metadata and spec (ValidateDeployment =
      // ValidateObjectMeta + ValidateDeploymentSpec): every problem shows at once, in its order.
      // Go's decoding checks no `required`; where the kind's own validation speaks of a field
      // (a PolicyRule's verbs "must contain at least one value"), its message is the one.
      const own = def.validate?.(obj, vctx) ?? [];
      const spoken = new Set(own.map((e) => e.field));
      errors.push(...own, ...finalSchema.errors.filter((e) => e.type !== 'FieldValueRequired' || !spoken.has(e.field)));
    } else {
      // Custom resources: validating webhooks only see objects the schema and metadata accept.
      errors.push(...finalSchema.errors);
      if (errors.length === 0) errors.push(...(def.validate?.(obj, vctx) ?? []));
    }
    for (const p of plugins) if (errors.length === 0 && p.validate) errors.push(...(await p.validate(request())));
    if (errors.length > 0) throw invalid(def, name, dedupe(errors));

    // 6. Deprecated versions.
    if (version.deprecated) ctx.warnings.push(version.deprecationWarning ?? `${def.group}/${version.name} ${def.kind} is deprecated`);
    void this.#registry;
    return obj;
  }

  #requireClient(): Client {
    if (!this.#client) throw new Error('admission plugins need the in-process client; call setClient first');
    return this.#client;
  }
}

/**
 * Whether a kind's own validation runs although the schema found problems: for built-in kinds,
 * whose schema only stands in for Go's typed decoding, unless a value has the wrong type (a
 * decode failure there, so Go's validators never see such an object).
 */
function runsWithSchemaErrors(def: KindDefinition, schemaErrors: readonly FieldError[]): boolean {
  return def.builtin && !def.fromCrd && !schemaErrors.some((e) => e.type === 'FieldValueTypeInvalid');
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.type}|${e.field}|${e.detail ?? ''}|${JSON.stringify(e.value ?? null)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
