/**
 * The serving.knative.dev webhooks for Service, Configuration, Revision, Route and
 * DomainMapping: defaulting (webhook.serving.knative.dev) and validation
 * (validation.webhook.serving.knative.dev), following knative/serving pkg/apis/serving/v1 and
 * v1beta1 *_defaults.go / *_validation.go.
 */
import type { KubeObject, ObjectMeta } from '../../object.ts';
import { WEBHOOKS } from '../admission-error.ts';
import type { KindAdmission, KnativeAdmissionContext } from '../admission.ts';
import type { KnativeConfig } from '../config.ts';
import type { KnFieldError } from '../field-error.ts';
import { goQuote, kn, NONE } from '../field-errors.ts';
import { validateKReference } from '../eventing/duck.ts';
import type { Json } from '../util/json.ts';
import { ensureObj, isObject, list, obj, semanticEqual, str } from '../util/json.ts';
import { fullyQualifiedDomainNameError } from '../util/k8s-names.ts';
import { ServingLabels } from './keys.ts';
import {
  setUserInfo, validateCreatorAndModifier, validateRolloutDuration, validateServingMetadata, verifyLabelOwnerRef,
} from './metadata.ts';
import { insecureDefaultWarnings } from './podspec-validation.ts';
import { defaultRevisionSpec } from './revision-defaults.ts';
import { revisionSpecDiff, validateRevisionSpec, validateRevisionTemplate, verifyTemplateNameChange } from './revision-validation.ts';
import { validateTraffic } from './traffic-validation.ts';

const specOf = (o: KubeObject | undefined): Json | undefined => (o && isObject(o.spec) ? o.spec : undefined);
const isUpdate = (ctx: KnativeAdmissionContext): boolean => ctx.operation !== 'create' && ctx.old !== undefined;

function defaultTemplate(spec: Json, parent: ObjectMeta, ctx: KnativeAdmissionContext, config: KnativeConfig): void {
  const oldTemplate = obj(specOf(ctx.old), 'template');
  const template = obj(spec, 'template');
  if (!template) return;
  // An unchanged BYO revision name is left alone, so defaults cannot change its Revision.
  const name = str(obj(template, 'metadata'), 'name');
  if (isUpdate(ctx) && name !== '' && name === str(obj(oldTemplate, 'metadata'), 'name')) return;
  const revisionSpec = ensureObj(template, 'spec');
  if (revisionSpec) {
    defaultRevisionSpec(revisionSpec, { defaults: config.serving.defaults, features: config.serving.features, parent, isCreate: ctx.operation === 'create' });
  }
}

/** Traffic defaults; a Service's empty traffic becomes 100% to the latest revision. */
function defaultTraffic(spec: Json, withinService: boolean): void {
  if (withinService && list(spec, 'traffic').length === 0) spec.traffic = [{ percent: 100, latestRevision: true }];
  for (const tt of list(spec, 'traffic')) {
    if (!isObject(tt)) continue;
    if (tt.latestRevision === undefined || tt.latestRevision === null) tt.latestRevision = str(tt, 'revisionName') === '';
    if (tt.percent === undefined || tt.percent === null) tt.percent = 0;
  }
}

function templateWarnings(spec: Json | undefined): KnFieldError {
  return insecureDefaultWarnings(obj(obj(spec, 'template'), 'spec') ?? {}).via('spec.template.spec');
}

export const serviceAdmission: KindAdmission = {
  defaults(obj_, ctx, config) {
    const spec = ensureObj(obj_, 'spec');
    if (!spec) return;
    defaultTemplate(spec, obj_.metadata, ctx, config);
    defaultTraffic(spec, true);
    setUserInfo(obj_, ctx.user, specOf(ctx.old), spec, isUpdate(ctx));
  },
  validators: [{
    webhook: WEBHOOKS.serving,
    validate(o, ctx, config) {
      const spec = specOf(o) ?? {};
      let errs = NONE;
      // Status updates cannot change metadata or spec, so those are not re-validated.
      if (ctx.operation !== 'status') {
        errs = validateServingMetadata(o.metadata, false, config.serving.autoscaler)
          .also(validateRolloutDuration(o.metadata.annotations ?? {}).via('annotations'))
          .via('metadata');
        errs = errs.also(
          validateRevisionTemplate(obj(spec, 'template') ?? {}, o.metadata, config).via('template')
            .also(validateTraffic(list(spec, 'traffic'), { defaultConfigurationName: true, inSpec: true }).via('traffic'))
            .via('spec'),
          templateWarnings(spec),
        );
      }
      if (isUpdate(ctx)) {
        const old = ctx.old!;
        errs = errs.also(validateCreatorAndModifier(specOf(old), spec, old.metadata.annotations ?? {}, o.metadata.annotations ?? {}).via('metadata.annotations'));
        errs = errs.also(verifyTemplateNameChange(spec.template, specOf(old)?.template).via('spec.template'));
      }
      return errs;
    },
  }],
};

export const configurationAdmission: KindAdmission = {
  defaults(o, ctx, config) {
    const spec = ensureObj(o, 'spec');
    if (!spec) return;
    defaultTemplate(spec, o.metadata, ctx, config);
    if (!o.metadata.ownerReferences) setUserInfo(o, ctx.user, specOf(ctx.old), spec, isUpdate(ctx));
  },
  validators: [{
    webhook: WEBHOOKS.serving,
    validate(o, ctx, config) {
      const spec = specOf(o) ?? {};
      let errs = NONE;
      if (ctx.operation !== 'status') {
        errs = validateServingMetadata(o.metadata, false, config.serving.autoscaler)
          .also(verifyLabelOwnerRef(o.metadata, ServingLabels.service, 'Service').via('labels'))
          .via('metadata');
        errs = errs.also(validateRevisionTemplate(obj(spec, 'template') ?? {}, o.metadata, config).via('spec.template'), templateWarnings(spec));
      }
      if (isUpdate(ctx)) {
        const old = ctx.old!;
        // A Service's Configuration carries the Service's annotations; only standalone ones are checked.
        if (!o.metadata.ownerReferences) {
          errs = errs.also(validateCreatorAndModifier(specOf(old), spec, old.metadata.annotations ?? {}, o.metadata.annotations ?? {}).via('metadata.annotations'));
        }
        errs = errs.also(verifyTemplateNameChange(spec.template, specOf(old)?.template).via('spec.template'));
      }
      return errs;
    },
  }],
};

export const revisionAdmission: KindAdmission = {
  defaults(o, ctx, config) {
    // Revision specs are immutable: defaults apply on create only.
    if (ctx.operation !== 'create') return;
    const spec = ensureObj(o, 'spec');
    if (spec) defaultRevisionSpec(spec, { defaults: config.serving.defaults, features: config.serving.features, isCreate: true });
  },
  validators: [{
    webhook: WEBHOOKS.serving,
    validate(o, ctx, config) {
      const errs = validateServingMetadata(o.metadata, true, config.serving.autoscaler)
        .also(verifyLabelOwnerRef(o.metadata, ServingLabels.configuration, 'Configuration').via('labels'))
        .via('metadata');
      const spec = specOf(o) ?? {};
      if (isUpdate(ctx)) {
        const oldSpec = specOf(ctx.old) ?? {};
        if (!semanticEqual(oldSpec, spec)) return kn.make('Immutable fields changed (-old +new)', ['spec'], revisionSpecDiff(oldSpec, spec));
        return errs;
      }
      return errs.also(validateRevisionSpec(spec, config).via('spec'), insecureDefaultWarnings(spec).via('spec'));
    },
  }],
};

export const routeAdmission: KindAdmission = {
  defaults(o, ctx) {
    const spec = ensureObj(o, 'spec');
    if (!spec) return;
    defaultTraffic(spec, false);
    if (!o.metadata.ownerReferences) setUserInfo(o, ctx.user, specOf(ctx.old), spec, isUpdate(ctx));
  },
  validators: [{
    webhook: WEBHOOKS.serving,
    validate(o, ctx, config) {
      const spec = specOf(o) ?? {};
      let errs = validateServingMetadata(o.metadata, false, config.serving.autoscaler)
        .also(verifyLabelOwnerRef(o.metadata, ServingLabels.service, 'Service').via('labels'))
        .also(validateRolloutDuration(o.metadata.annotations ?? {}).via('annotations'))
        .via('metadata');
      errs = errs.also(validateTraffic(list(spec, 'traffic'), { defaultConfigurationName: false, inSpec: true }).via('spec.traffic'));
      if (isUpdate(ctx) && !o.metadata.ownerReferences) {
        const old = ctx.old!;
        errs = errs.also(validateCreatorAndModifier(specOf(old), spec, old.metadata.annotations ?? {}, o.metadata.annotations ?? {}).via('metadata.annotations'));
      }
      return errs;
    },
  }],
};

export const domainMappingAdmission: KindAdmission = {
  defaults(o, ctx) {
    const ref = obj(specOf(o), 'ref');
    if (ref && str(ref, 'namespace') === '' && o.metadata.namespace) ref.namespace = o.metadata.namespace;
    const spec = specOf(o);
    if (spec) setUserInfo(o, ctx.user, specOf(ctx.old), spec, isUpdate(ctx));
  },
  validators: [{
    webhook: WEBHOOKS.serving,
    validate(o, ctx, config) {
      let meta = NONE;
      const name = o.metadata.name ?? '';
      if (o.metadata.generateName) meta = meta.also(kn.disallowedFields('generateName'));
      const fqdn = fullyQualifiedDomainNameError('name', name);
      if (fqdn) meta = meta.also(kn.generic(`invalid name ${goQuote(name)}: ${fqdn}`, 'name'));
      const clusterDomain = config.serving.clusterDomain;
      if (name.endsWith(`.${clusterDomain}`)) {
        meta = meta.also(kn.generic(`invalid name ${goQuote(name)}: must not be a subdomain of cluster local domain ${goQuote(clusterDomain)}`, 'name'));
      }
      if (isUpdate(ctx)) {
        const old = ctx.old!;
        meta = meta.also(validateCreatorAndModifier(specOf(old), specOf(o), old.metadata.annotations ?? {}, o.metadata.annotations ?? {}).via('annotations'));
      }
      const ref = obj(specOf(o), 'ref');
      const refErrs = validateKReference(ref, { parentNamespace: o.metadata.namespace ?? '', allowDifferentNamespace: false, allowGroup: false });
      return meta.via('metadata').also(refErrs.via('spec.ref'));
    },
  }],
};
