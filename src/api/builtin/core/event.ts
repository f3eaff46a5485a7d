/**
 * core/v1 Event. Requests through the core group get only the legacy checks
 * (validation/events.go legacyValidateEvent), and names are not validated beyond being a
 * path segment. The table shows LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (and the wide
 * SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME).
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import type { KindDefinition, TablePrinter } from '../../kind.ts';
import type { KubeObject } from '../../object.ts';
import { translateTimestampSince } from '../human-duration.ts';
import { builtinKind } from '../util/builtin-kind.ts';
import { isDNS1123Subdomain } from '../util/names.ts';
import { int, isNil, obj, str } from '../util/obj.ts';
import { fieldColumn, nameColumn } from '../util/table.ts';
import { qualifiedName } from './container-validation.ts';

const EVENT = 'io.k8s.api.core.v1.Event';
const REF = 'io.k8s.api.core.v1.ObjectReference';

/** formatEventSource: component (or reportingController), then `, host` (or reportingInstance). */
function source(e: KubeObject): string {
  const src = obj(e.source);
  const component = str(src.component) || str(e.reportingComponent);
  const instance = str(src.host) || str(e.reportingInstance);
  return instance === '' ? component : `${component}, ${instance}`;
}

export function eventTable(): TablePrinter {
  return {
    columns: [
      fieldColumn('Last Seen', 'string', EVENT, 'lastTimestamp'),
      fieldColumn('Type', 'string', EVENT, 'type'),
      fieldColumn('Reason', 'string', EVENT, 'reason'),
      fieldColumn('Object', 'string', EVENT, 'involvedObject'),
      fieldColumn('Subobject', 'string', REF, 'fieldPath', 1),
      fieldColumn('Source', 'string', EVENT, 'source', 1),
      fieldColumn('Message', 'string', EVENT, 'message'),
      fieldColumn('First Seen', 'string', EVENT, 'firstTimestamp', 1),
      fieldColumn('Count', 'string', EVENT, 'count', 1),
      nameColumn(1),
    ],
    row(e, now) {
      const first = str(e.firstTimestamp) !== '' ? translateTimestampSince(e.firstTimestamp, now) : translateTimestampSince(e.eventTime, now);
      let last = str(e.lastTimestamp) !== '' ? translateTimestampSince(e.lastTimestamp, now) : first;
      let count = int(e.count);
      if (!isNil(e.series)) {
        const series = obj(e.series);
        last = translateTimestampSince(series.lastObservedTime, now);
        count = int(series.count);
      } else if (count === 0) {
        count = 1; // singleton events of the new API carry no count
      }
      const involved = obj(e.involvedObject);
      const kind = str(involved.kind).toLowerCase();
      const target = str(involved.name) !== '' ? `${kind}/${str(involved.name)}` : kind;
      return [last, str(e.type), str(e.reason), target, str(involved.fieldPath), source(e), str(e.message).trim(), first, count, e.metadata.name ?? ''];
    },
  };
}

/** legacyValidateEvent for a core/v1 request. */
function validateEvent(e: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = e.metadata.namespace ?? '';
  const involvedNamespace = str(obj(e.involvedObject).namespace);
  const mismatch = (): FieldError => fieldErr.invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace');
  if (str(e.eventTime) === '') {
    if (involvedNamespace === '') {
      if (namespace !== '' && namespace !== 'default') errs.push(mismatch());
    } else if (namespace !== involvedNamespace) {
      errs.push(mismatch());
    }
  } else {
    if (involvedNamespace === '' && namespace !== 'default' && namespace !== 'kube-system') errs.push(mismatch());
    const controller = str(e.reportingComponent);
    if (controller === '') errs.push(fieldErr.required('reportingComponent'));
    errs.push(...qualifiedName(controller, 'reportingComponent'));
    const limit = (field: string, max: number, required: boolean): void => {
      const value = str(e[field]);
      if (required && value === '') errs.push(fieldErr.required(field));
      if (value.length > max) errs.push(fieldErr.invalid(field, '', `can have at most ${max} characters`));
    };
    limit('reportingInstance', 128, true);
    limit('action', 128, true);
    limit('reason', 128, true);
    limit('message', 1024, false);
  }
  errs.push(...isDNS1123Subdomain(namespace).map((m) => fieldErr.invalid('namespace', namespace, m)));
  return errs;
}

export function eventKind(): KindDefinition {
  return builtinKind({
    group: '', version: 'v1', kind: 'Event', plural: 'events', scope: 'Namespaced',
    shortNames: ['ev'],
    generation: 'none',
    nameRule: 'path-segment',
    createOnUpdate: true,
    table: eventTable(),
    validate: (e) => validateEvent(e),
    fieldSelectors: {
      'involvedObject.kind': (e) => str(obj(e.involvedObject).kind),
      'involvedObject.namespace': (e) => str(obj(e.involvedObject).namespace),
      'involvedObject.name': (e) => str(obj(e.involvedObject).name),
      'involvedObject.uid': (e) => str(obj(e.involvedObject).uid),
      'involvedObject.apiVersion': (e) => str(obj(e.involvedObject).apiVersion),
      'involvedObject.resourceVersion': (e) => str(obj(e.involvedObject).resourceVersion),
      'involvedObject.fieldPath': (e) => str(obj(e.involvedObject).fieldPath),
      reason: (e) => str(e.reason),
      reportingComponent: (e) => str(e.reportingComponent),
      source: (e) => str(obj(e.source).component) || str(e.reportingComponent),
      type: (e) => str(e.type),
    },
  });
}
