/**
 * route.openshift.io/v1 Route. On OpenShift it is not a CRD but an aggregated API served by
 * openshift-apiserver: a hand-written table printer, Go defaulting and validation, the
 * `all` category and no short names. kubectl has no compiled-in type for it, so it sends
 * merge patches (`builtin: false`). Its strategy never sets `metadata.generation`.
 */
import type { KindDefinition } from '../kind.ts';
import { defaultRoute } from './route-defaults.ts';
import { ROUTE_TABLE } from './route-printer.ts';
import { routeWarnings, validateRoute } from './route-validation.ts';
import { ROUTE_SCHEMA_V1 } from './schemas/index.ts';

export function routeKind(): KindDefinition {
  return {
    group: 'route.openshift.io',
    kind: 'Route',
    plural: 'routes',
    singular: 'route',
    listKind: 'RouteList',
    scope: 'Namespaced',
    shortNames: [],
    categories: ['all'],
    versions: [{ name: 'v1', served: true, storage: true, schema: ROUTE_SCHEMA_V1 }],
    subresources: { status: true },
    builtin: false,
    generation: 'none',
    table: ROUTE_TABLE,
    defaults: defaultRoute,
    validate: validateRoute,
    warnings: (obj, ctx) => (ctx.operation === 'status' ? [] : routeWarnings(obj)),
  };
}
