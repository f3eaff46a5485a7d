/**
 * OpenAPI v3 documents as kube-apiserver serves them under /openapi/v3: an index of
 * group-versions, each pointing at its document with a content hash, and one document per
 * group-version holding the paths and component schemas of every kind served there.
 */
import { createHash } from 'node:crypto';
import type { KindDefinition, KindVersion } from '../../api/kind.ts';
import { BuiltinComponents } from './builtin-components.ts';
import { kindComponent, listComponent } from './kind-components.ts';
import { metaComponents, scaleComponents, type OpenApiSchema } from './meta-components.ts';
import { definitionName, groupVersionPath, parseGroupVersionPath } from './names.ts';
import { resourcePaths } from './operations.ts';

export interface OpenApiIndex {
  paths: Record<string, { serverRelativeURL: string }>;
}

export type OpenApiDocument = Record<string, unknown> & {
  openapi: string;
  paths: Record<string, unknown>;
  components: { schemas: Record<string, OpenApiSchema>; securitySchemes: Record<string, unknown> };
};

/** The served version `version` of `def`, if any. */
function served(def: KindDefinition, version: string): KindVersion | undefined {
  return def.versions.find((v) => v.name === version && v.served);
}

/** Kinds served in a group-version, in a stable order (documents must not depend on input order). */
export function kindsInGroupVersion(kinds: readonly KindDefinition[], group: string, version: string): KindDefinition[] {
  return kinds.filter((d) => d.group === group && served(d, version)).sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}

/** Every served group-version, as index keys (`api/v1`, `apis/maistra.io/v2`), sorted. */
export function groupVersionPaths(kinds: readonly KindDefinition[]): string[] {
  const paths = new Set<string>();
  for (const def of kinds) for (const v of def.versions) if (v.served) paths.add(groupVersionPath(def.group, v.name));
  return [...paths].sort();
}

function sortedObject<T>(entries: Array<[string, T]>): Record<string, T> {
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The full document of one group-version. */
export function buildGroupVersionDoc(group: string, version: string, kinds: readonly KindDefinition[]): OpenApiDocument {
  const defs = kindsInGroupVersion(kinds, group, version);
  const schemas: Array<[string, OpenApiSchema]> = Object.entries(metaComponents());
  if (defs.some((d) => d.subresources.scale)) schemas.push(...Object.entries(scaleComponents()));
  const builtins = new BuiltinComponents(new Set([...schemas.map(([name]) => name), ...defs.map((d) => definitionName(d, version, d.kind))]));
  const paths: Array<[string, unknown]> = [];
  for (const def of defs) {
    const v = served(def, version)!;
    schemas.push([definitionName(def, version, def.kind), kindComponent(def, v, builtins)]);
    schemas.push([definitionName(def, version, def.listKind), listComponent(def, v)]);
    paths.push(...Object.entries(resourcePaths(def, v)));
  }
  schemas.push(...builtins.entries());
  const builtin = defs.length > 0 && defs.every((d) => d.builtin);
  return {
    openapi: '3.0.0',
    info: builtin ? { title: 'Kubernetes', version: 'unversioned' } : { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' },
    paths: sortedObject(paths),
    components: {
      schemas: sortedObject(schemas),
      securitySchemes: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
    },
    security: [{ BearerToken: [] }],
  };
}

/** kube-openapi's ETag (and index hash): the SHA-512 of the served JSON, upper-case hex. */
export function contentHash(json: string): string {
  return createHash('sha512').update(json).digest('hex').toUpperCase();
}

/** The index for the given kinds, with each document's hash (builds every document). */
export function buildOpenApiIndex(kinds: readonly KindDefinition[]): OpenApiIndex {
  const paths: OpenApiIndex['paths'] = {};
  for (const gv of groupVersionPaths(kinds)) {
    const { group, version } = parseGroupVersionPath(gv)!;
    const hash = contentHash(JSON.stringify(buildGroupVersionDoc(group, version, kinds)));
    paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}` };
  }
  return { paths };
}
