/**
 * The Route field set from openshift/api (see README.md): types and descriptions only —
 * validation and defaulting are Go code on OpenShift, reproduced in route-validation.ts
 * and route-defaults.ts.
 */
import type { JSONSchemaProps } from '../../schema-types.ts';
import routeV1 from './route.v1.json' with { type: 'json' };

export const ROUTE_SCHEMA_V1: JSONSchemaProps = routeV1 as unknown as JSONSchemaProps;
