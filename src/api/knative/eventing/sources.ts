/**
 * Admission for the sources.knative.dev kinds (knative/eventing pkg/apis/sources/v1):
 * PingSource (schedule default `* * * * *`, cron and time zone parsing, data vs dataBase64),
 * ApiServerSource (mode and service account defaults, resources), SinkBinding (subject) and
 * ContainerSource (container names). Every source needs a sink with a ref or a URI.
 */
import type { KubeObject } from '../../object.ts';
import { WEBHOOKS } from '../admission-error.ts';
import type { KindAdmission } from '../admission.ts';
import type { KnFieldError } from '../field-error.ts';
import { kn, NONE } from '../field-errors.ts';
import { parseCron } from '../util/cron.ts';
import type { Json } from '../util/json.ts';
import { ensureObj, isObject, list, obj, str } from '../util/json.ts';
import { isCIdentifier, isDns1123Label, isQualifiedName } from '../util/k8s-names.ts';
import { defaultDestination, NO_PARENT, validateRequiredDestination, validateSourceSpec } from './duck.ts';

export const DEFAULT_PING_SCHEDULE = '* * * * *';

const specOf = (o: KubeObject): Json => (isObject(o.spec) ? o.spec : {});

/** Go's encoding/json error for an invalid document, in the common cases. */
function jsonError(text: string): string | undefined {
  try {
    const v: unknown = JSON.parse(text);
    // PingSource unmarshals into a map: only a JSON object (or null) is accepted.
    if (v !== null && (typeof v !== 'object' || Array.isArray(v))) {
      const kind = Array.isArray(v) ? 'array' : typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : 'bool';
      return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
    }
    return undefined;
  } catch (e) {
    return text.trim() === '' ? 'unexpected end of JSON input' : (e as Error).message;
  }
}

function validatePingSpec(spec: Json, dataMaxSize: number): KnFieldError {
  const schedule = str(spec, 'schedule');
  const timezone = str(spec, 'timezone');
  let errs = schedule.includes('@every') ? kn.invalidValue(new Error('unsupported descriptor @every'), 'schedule') : NONE;
  const parsed = parseCron(timezone !== '' ? `CRON_TZ=${timezone} ${schedule}` : schedule);
  if (!parsed.ok) errs = errs.also(kn.invalidValue(parsed.error, parsed.error.startsWith('provided bad location') ? 'timezone' : 'schedule'));
  errs = errs.also(validateRequiredDestination(spec.sink, NO_PARENT).via('sink'));
  const data = str(spec, 'data');
  const dataBase64 = str(spec, 'dataBase64');
  const json = str(spec, 'contentType') === 'application/json';
  if (data !== '' && dataBase64 !== '') {
    errs = errs.also(kn.multipleOneOf('data', 'dataBase64'));
  } else if (dataBase64 !== '') {
    const size = Buffer.byteLength(dataBase64);
    if (dataMaxSize > -1 && size > dataMaxSize) errs = errs.also(kn.invalidValue(`the dataBase64 length of ${size} bytes exceeds limit set at ${dataMaxSize}.`, 'dataBase64'));
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(dataBase64)) {
      errs = errs.also(kn.invalidValue(`illegal base64 data at input byte ${firstBadBase64Byte(dataBase64)}`, 'dataBase64'));
    } else if (json) {
      const e = jsonError(Buffer.from(dataBase64, 'base64').toString('utf8'));
      if (e) errs = errs.also(kn.invalidValue(e, 'dataBase64'));
    }
  } else if (data !== '') {
    const size = Buffer.byteLength(data);
    if (dataMaxSize > -1 && size > dataMaxSize) errs = errs.also(kn.invalidValue(`the data length of ${size} bytes exceeds limit set at ${dataMaxSize}.`, 'data'));
    if (json) {
      const e = jsonError(data);
      if (e) errs = errs.also(kn.invalidValue(e, 'data'));
    }
  }
  return errs.also(validateSourceSpec(spec, NO_PARENT));
}

/** Where Go's base64 decoder stops (the first invalid byte, or the length for bad padding). */
function firstBadBase64Byte(s: string): number {
  const bad = s.search(/[^A-Za-z0-9+/=]/);
  if (bad >= 0) return bad;
  const pad = s.indexOf('=');
  return pad >= 0 && pad < s.length - 2 ? pad : s.length - (s.length % 4 === 0 ? 0 : s.length % 4);
}

export const pingSourceAdmission: KindAdmission = {
  defaults(o) {
    const spec = ensureObj(o, 'spec');
    if (spec && str(spec, 'schedule') === '') spec.schedule = DEFAULT_PING_SCHEDULE;
  },
  validators: [{
    webhook: WEBHOOKS.eventing,
    validate: (o, _ctx, config) => validatePingSpec(specOf(o), config.eventing.pingDataMaxSize).via('spec'),
  }],
};

/** schema.ParseGroupVersion: `v1`, `group/version`; more than one '/' is an error. */
function validGroupVersion(gv: string): boolean {
  if (gv === '' || gv === '/') return true;
  return gv.split('/').length <= 2;
}

export const apiServerSourceAdmission: KindAdmission = {
  defaults(o) {
    const spec = ensureObj(o, 'spec');
    if (!spec) return;
    if (str(spec, 'mode') === '') spec.mode = 'Reference';
    if (str(spec, 'serviceAccountName') === '') spec.serviceAccountName = 'default';
  },
  validators: [{
    webhook: WEBHOOKS.eventing,
    validate(o, _ctx, config) {
      const spec = specOf(o);
      let errs = NONE;
      const mode = str(spec, 'mode');
      if (mode !== 'Reference' && mode !== 'Resource') errs = errs.also(kn.invalidValue(mode, 'mode'));
      errs = errs.also(validateRequiredDestination(spec.sink, NO_PARENT).via('sink'));
      const resources = list(spec, 'resources');
      if (resources.length === 0) errs = errs.also(kn.missingField('resources'));
      resources.forEach((r, i) => {
        if (!validGroupVersion(str(r, 'apiVersion'))) errs = errs.also(kn.invalidValue(str(r, 'apiVersion'), 'apiVersion').viaFieldIndex('resources', i));
        if (str(r, 'kind').trim() === '') errs = errs.also(kn.missingField('kind').viaFieldIndex('resources', i));
      });
      const owner = obj(spec, 'owner');
      if (owner) {
        if (!validGroupVersion(str(owner, 'apiVersion'))) errs = errs.also(kn.invalidValue(str(owner, 'apiVersion'), 'apiVersion').via('owner'));
        if (str(owner, 'kind').trim() === '') errs = errs.also(kn.missingField('kind').via('owner'));
      }
      errs = errs.also(validateSourceSpec(spec, NO_PARENT));
      if (!config.eventing.features.newApiServerSourceFilters && list(spec, 'filters').length !== 0) {
        errs = errs.also(kn.generic('Filters is not empty but the NewAPIServerFilters feature is disabled.').via('filters'));
      }
      return errs.via('spec');
    },
  }],
};

/** tracker.Reference.Validate: apiVersion, kind, namespace, and a name or a selector. */
function validateSubject(subject: unknown): KnFieldError {
  let errs = NONE;
  const apiVersion = str(subject, 'apiVersion');
  if (apiVersion === '') errs = errs.also(kn.missingField('apiVersion'));
  else if (isQualifiedName(apiVersion).length) errs = errs.also(kn.invalidValue(isQualifiedName(apiVersion).join(', '), 'apiVersion'));
  const kind = str(subject, 'kind');
  if (kind === '') errs = errs.also(kn.missingField('kind'));
  else if (isCIdentifier(kind).length) errs = errs.also(kn.invalidValue(isCIdentifier(kind).join(', '), 'kind'));
  const namespace = str(subject, 'namespace');
  if (namespace === '') errs = errs.also(kn.missingField('namespace'));
  else if (isDns1123Label(namespace).length) errs = errs.also(kn.invalidValue(isDns1123Label(namespace).join(', '), 'namespace'));
  const selector = obj(subject, 'selector');
  const name = str(subject, 'name');
  if (selector && name !== '') errs = errs.also(kn.multipleOneOf('selector', 'name'));
  else if (selector) {
    for (const req of list(selector, 'matchExpressions')) {
      const op = str(req, 'operator');
      if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(op)) errs = errs.also(kn.invalidValue(`${JSON.stringify(op)} is not a valid label selector operator`, 'selector'));
    }
  } else if (name !== '') {
    if (isDns1123Label(name).length) errs = errs.also(kn.invalidValue(isDns1123Label(name).join(', '), 'name'));
  } else {
    errs = errs.also(kn.missingOneOf('selector', 'name'));
  }
  return errs;
}

export const sinkBindingAdmission: KindAdmission = {
  defaults(o) {
    const spec = ensureObj(o, 'spec');
    if (!spec) return;
    const subject = ensureObj(spec, 'subject');
    if (subject && str(subject, 'namespace') === '' && o.metadata.namespace) subject.namespace = o.metadata.namespace;
    defaultDestination(spec.sink, o.metadata.namespace);
  },
  validators: [{
    webhook: WEBHOOKS.eventing,
    validate(o) {
      const spec = specOf(o);
      let errs = validateSubject(spec.subject).via('subject')
        .also(validateRequiredDestination(spec.sink, NO_PARENT).via('sink'))
        .also(validateSourceSpec(spec, NO_PARENT))
        .via('spec');
      const subjectNs = str(obj(spec, 'subject'), 'namespace');
      if (subjectNs !== '' && subjectNs !== o.metadata.namespace) errs = errs.also(kn.invalidValue(subjectNs, 'spec.subject.namespace'));
      return errs;
    },
  }],
};

export const containerSourceAdmission: KindAdmission = {
  defaults(o) {
    const containers = list(obj(obj(specOf(o), 'template'), 'spec'), 'containers');
    containers.forEach((c, i) => {
      if (isObject(c) && str(c, 'name') === '') c.name = `${o.metadata.name ?? ''}-${i}`;
    });
  },
  validators: [{
    webhook: WEBHOOKS.eventing,
    validate(o) {
      const spec = specOf(o);
      let errs = validateRequiredDestination(spec.sink, NO_PARENT).via('sink');
      const containers = list(obj(obj(spec, 'template'), 'spec'), 'containers');
      if (containers.length === 0) errs = errs.also(kn.missingField('containers'));
      containers.forEach((c, i) => {
        let ce = NONE;
        if (str(c, 'name') === '') ce = ce.also(kn.missingField('name'));
        if (str(c, 'image') === '') ce = ce.also(kn.missingField('image'));
        errs = errs.also(ce.viaFieldIndex('containers', i));
      });
      return errs.also(validateSourceSpec(spec, NO_PARENT)).via('spec');
    },
  }],
};
