/**
 * Assembles the KindDefinition of a compiled-in kind: one served storage version whose schema
 * comes from Kubernetes' OpenAPI (schemas/definitions.json), lower-cased singular and
 * `<Kind>List`, `builtin: true` (kubectl sends strategic merge patches for these).
 */
import type { KindDefinition } from '../../kind.ts';
import { formatApiVersion } from '../../object.ts';
import { builtinSchema } from '../schemas/load.ts';

export type BuiltinKindInput = Omit<KindDefinition, 'singular' | 'listKind' | 'versions' | 'builtin' | 'shortNames' | 'categories' | 'subresources'> & {
  version: string;
  shortNames?: readonly string[];
  categories?: readonly string[];
  subresources?: KindDefinition['subresources'];
};

export function builtinKind(input: BuiltinKindInput): KindDefinition {
  const { version, shortNames, categories, subresources, ...rest } = input;
  return {
    ...rest,
    singular: input.kind.toLowerCase(),
    listKind: `${input.kind}List`,
    shortNames: shortNames ?? [],
    categories: categories ?? [],
    versions: [{ name: version, served: true, storage: true, schema: builtinSchema(formatApiVersion(input.group, version), input.kind) }],
    subresources: subresources ?? {},
    builtin: true,
  };
}
