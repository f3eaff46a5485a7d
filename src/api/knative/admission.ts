/**
 * Knative admission, wired into KindDefinition hooks. Each Knative kind has a defaulter (what
 * its mutating webhook does) and one or more validators (its validating webhooks); they read a
 * KnativeConfig, which the caller supplies (upstream defaults unless a controller passes the
 * live ConfigMaps' values).
 *
 * How the API server surfaces the result:
 * - `defaults(obj, ctx?)` mutates in place. `ctx` is optional so that the plain
 *   `defaults(obj)` of KindDefinition works (treated as a create); passing the request's
 *   operation, old object and user name gives Knative's update behaviour (Revision specs are
 *   left alone, BYO revision names are respected, creator/lastModifier annotations are set).
 * - `validate(obj, ctx)` returns [] or throws a KnativeValidationError (a SkiffError, code
 *   SKF_KNATIVE_ADMISSION_DENIED, HTTP 400 BadRequest) whose message is exactly what
 *   kube-apiserver returns for a webhook denial. Render it like any SkiffError.
 * - `warnings(obj, ctx)` returns Knative's warning-level diagnostics; send them as `Warning:`
 *   headers whether or not validation then fails (Knative attaches them to denials too).
 */
import type { KindDefinition, ValidationContext } from '../kind.ts';
import type { KubeObject } from '../object.ts';
import { KnativeValidationError } from './admission-error.ts';
import type { KnativeConfig } from './config.ts';
import { upstreamKnativeConfig } from './config.ts';
import type { KnFieldError } from './field-error.ts';
import { renderDiagnostic } from './field-error.ts';

export interface KnativeAdmissionContext {
  operation: 'create' | 'update' | 'status';
  /** The object before this update (update and status only). */
  old?: KubeObject;
  /** The requesting user's name (`system:admin`, `system:serviceaccount:ns:name`). */
  user?: string;
}

export type Defaulter = (obj: KubeObject, ctx: KnativeAdmissionContext, config: KnativeConfig) => void;
export type Validator = (obj: KubeObject, ctx: KnativeAdmissionContext, config: KnativeConfig) => KnFieldError;

export interface KindAdmission {
  defaults?: Defaulter;
  /** Webhooks in the order kube-apiserver consults them; the first denial wins. */
  validators: ReadonlyArray<{ webhook: string; validate: Validator }>;
}

export type ConfigSource = () => KnativeConfig;

export const upstreamConfigSource: ConfigSource = (() => {
  const config = upstreamKnativeConfig();
  return () => config;
})();

type Hooks = Pick<KindDefinition, 'defaults' | 'defaultsByWebhook' | 'validate' | 'warnings'>;

/** Runs every validator and splits the result into the denial (if any) and the warnings. */
export function admit(admission: KindAdmission, obj: KubeObject, ctx: KnativeAdmissionContext, config: KnativeConfig): { denied?: KnativeValidationError; warnings: string[] } {
  const warnings: string[] = [];
  let denied: KnativeValidationError | undefined;
  for (const { webhook, validate } of admission.validators) {
    const result = validate(obj, ctx, config);
    warnings.push(...result.filter('Warning').diagnostics().map(renderDiagnostic));
    const errors = result.filter('Error');
    if (!denied && !errors.isEmpty()) denied = new KnativeValidationError(webhook, errors);
  }
  return { ...(denied ? { denied } : {}), warnings };
}

/** KindDefinition hooks for one kind, reading the config from `source` at every request. */
export function admissionHooks(admission: KindAdmission, source: ConfigSource = upstreamConfigSource): Hooks {
  const context = (ctx: ValidationContext | KnativeAdmissionContext | undefined): KnativeAdmissionContext => ctx ?? { operation: 'create' };
  return {
    ...(admission.defaults
      ? {
          defaults: (obj: KubeObject, ctx?: KnativeAdmissionContext | ValidationContext): void => admission.defaults!(obj, context(ctx), source()),
          defaultsByWebhook: true,
        }
      : {}),
    validate: (obj, ctx) => {
      const { denied } = admit(admission, obj, context(ctx), source());
      if (denied) throw denied;
      return [];
    },
    warnings: (obj, ctx) => admit(admission, obj, context(ctx), source()).warnings,
  };
}
