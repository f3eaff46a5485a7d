/**
 * The `paths` of a kind in one version: every resource URL with one operation per verb the
 * kind serves, as kube-apiserver's OpenAPI builders lay them out (operationId, tags,
 * parameters, request bodies, responses, `x-kubernetes-action` and
 * `x-kubernetes-group-version-kind`).
 *
 * What kubectl reads: `kubectl explain` finds a kind's GVK on any operation of its resource
 * path; the apply/create/edit validator requires every PATCH operation of the GVK to carry
 * the `fieldValidation` query parameter (then it trusts server-side validation); client-side
 * apply builds a strategic merge patch from the documents only when the PATCH request body
 * lists `application/strategic-merge-patch+json`, which is offered for compiled-in kinds
 * only (kube-apiserver answers 415 to it for custom resources).
 */
import type { KindDefinition, KindVersion } from '../../api/kind.ts';
import { DEFAULT_VERBS } from '../../api/kind.ts';
import { DEF, refTo, type OpenApiSchema } from './meta-components.ts';
import { definitionName, operationIdAndTag } from './names.ts';
import { gvkExtension } from './kind-components.ts';
import { ACTION_PARAMETERS, NAMESPACE, PRETTY, nameParam } from './parameters.ts';

export type PathItem = Record<string, unknown>;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';

const CUSTOM_PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json'];
const BUILTIN_PATCH_TYPES = [...CUSTOM_PATCH_TYPES, 'application/strategic-merge-patch+json'];

/** endpoints.GetArticleForNoun: no article for plurals, "an" before a vowel. */
function article(noun: string): string {
  if (noun.endsWith('s') && !noun.endsWith('ss')) return ' ';
  return /^[aeiou]/i.test(noun) ? ' an ' : ' a ';
}

function description(action: Action, kind: string, subresource: string): string {
  const sub = subresource ? ` ${subresource} of` : '';
  switch (action) {
    case 'list': return `list${sub} objects of kind ${kind}`;
    case 'get': return `read${sub} the specified ${kind}`;
    case 'put': return `replace${sub} the specified ${kind}`;
    case 'patch': return `partially update${sub} the specified ${kind}`;
    case 'post': return `create${sub}${article(kind)}${kind}`;
    case 'delete': return `delete${sub}${article(kind)}${kind}`;
    case 'deletecollection': return `delete collection of${sub ? `${sub} a` : ''} ${kind}`;
  }
}

/** The verb prefix and the rest of the route's operation name (`read` + `NamespacedFooStatus`). */
function operationName(action: Action, namespaced: boolean, kind: string, subresource: string, forAllNamespaces: boolean): [string, string] {
  const scope = namespaced ? 'Namespaced' : '';
  const sub = subresource ? subresource[0]!.toUpperCase() + subresource.slice(1) : '';
  switch (action) {
    case 'list': return forAllNamespaces ? ['list', `${kind}ForAllNamespaces`] : ['list', `${scope}${kind}${sub}`];
    case 'get': return ['read', `${scope}${kind}${sub}`];
    case 'put': return ['replace', `${scope}${kind}${sub}`];
    case 'patch': return ['patch', `${scope}${kind}${sub}`];
    case 'post': return ['create', `${scope}${kind}${sub}`];
    case 'delete': return ['delete', `${scope}${kind}${sub}`];
    case 'deletecollection': return ['delete', `collection${scope}${kind}${sub}`];
  }
}

interface Context {
  def: KindDefinition;
  version: string;
  namespaced: boolean;
  /** Response media types: JSON and YAML, and protobuf for compiled-in kinds. */
  produces: string[];
}

function content(types: readonly string[], schema: OpenApiSchema): Record<string, { schema: OpenApiSchema }> {
  return Object.fromEntries(types.map((t) => [t, { schema }]));
}

function responses(ctx: Context, action: Action, sample: OpenApiSchema): Record<string, unknown> {
  const types = action === 'list' ? [...ctx.produces, ...ctx.produces.filter((t) => t !== 'application/yaml').map((t) => `${t};stream=watch`)].sort() : ctx.produces;
  const ok = { content: content(types, sample), description: 'OK' };
  const created = { content: content(ctx.produces, sample), description: 'Created' };
  const accepted = { content: content(ctx.produces, sample), description: 'Accepted' };
  switch (action) {
    case 'post': return { 200: ok, 201: created, 202: accepted };
    case 'put': return { 200: ok, 201: created };
    case 'patch': return ctx.def.builtin ? { 200: ok, 201: created } : { 200: ok };
    case 'delete': return { 200: ok, 202: accepted };
    default: return { 200: ok };
  }
}

function requestBody(ctx: Context, action: Action, sample: OpenApiSchema): OpenApiSchema | undefined {
  const bodyTypes = ctx.def.builtin ? ['application/json'] : ['application/json', 'application/yaml'];
  switch (action) {
    case 'post':
    case 'put': return { content: content(bodyTypes, sample) };
    case 'patch': return { content: content(ctx.def.builtin ? BUILTIN_PATCH_TYPES : CUSTOM_PATCH_TYPES, refTo(DEF.patch)) };
    case 'delete':
    case 'deletecollection': return { content: content(bodyTypes, refTo(DEF.deleteOptions)) };
    default: return undefined;
  }
}

function operation(ctx: Context, action: Action, sample: OpenApiSchema, subresource = '', forAllNamespaces = false): OpenApiSchema {
  const [verb, rest] = operationName(action, ctx.namespaced && !forAllNamespaces, ctx.def.kind, subresource, forAllNamespaces);
  const { operationId, tag } = operationIdAndTag(verb, rest, ctx.def.group, ctx.version);
  const op: OpenApiSchema = { description: description(action, ctx.def.kind, subresource), operationId };
  const params = ACTION_PARAMETERS[action]!;
  if (params.length > 0) op['parameters'] = params;
  const body = requestBody(ctx, action, sample);
  if (body) op['requestBody'] = body;
  op['responses'] = responses(ctx, action, sample);
  op['tags'] = [tag];
  op['x-kubernetes-action'] = action;
  op['x-kubernetes-group-version-kind'] = gvkExtension(ctx.def.group, ctx.version, ctx.def.kind);
  return op;
}

/** Path items of one served version of a kind, keyed by URL template. */
export function resourcePaths(def: KindDefinition, version: KindVersion): Record<string, PathItem> {
  const verbs = new Set(def.verbs ?? DEFAULT_VERBS);
  const namespaced = def.scope === 'Namespaced';
  const ctx: Context = { def, version: version.name, namespaced, produces: def.builtin ? ['application/json', 'application/vnd.kubernetes.protobuf', 'application/yaml'] : ['application/json', 'application/yaml'] };
  const object = refTo(definitionName(def, version.name, def.kind));
  const list = refTo(definitionName(def, version.name, def.listKind));
  const status = refTo(DEF.status);
  const prefix = def.group === '' ? `/api/${version.name}` : `/apis/${def.group}/${version.name}`;
  const collection = namespaced ? `${prefix}/namespaces/{namespace}/${def.plural}` : `${prefix}/${def.plural}`;
  const scopeParams = namespaced ? [NAMESPACE] : [];
  const paths: Record<string, PathItem> = {};

  const add = (url: string, parameters: OpenApiSchema[], ops: Array<[Method, OpenApiSchema | false]>): void => {
    const item: PathItem = {};
    for (const [method, op] of ops) if (op) item[method] = op;
    if (Object.keys(item).length === 0) return;
    item['parameters'] = [...parameters, PRETTY];
    paths[url] = item;
  };

  if (namespaced) add(`${prefix}/${def.plural}`, [], [['get', verbs.has('list') && operation(ctx, 'list', list, '', true)]]);
  add(collection, scopeParams, [
    ['get', verbs.has('list') && operation(ctx, 'list', list)],
    ['post', verbs.has('create') && operation(ctx, 'post', object)],
    ['delete', verbs.has('deletecollection') && operation(ctx, 'deletecollection', status)],
  ]);
  const named = [nameParam(def.kind), ...scopeParams];
  add(`${collection}/{name}`, named, [
    ['get', verbs.has('get') && operation(ctx, 'get', object)],
    ['put', verbs.has('update') && operation(ctx, 'put', object)],
    ['patch', verbs.has('patch') && operation(ctx, 'patch', object)],
    ['delete', verbs.has('delete') && operation(ctx, 'delete', status)],
  ]);
  if (def.subresources.status) {
    add(`${collection}/{name}/status`, named, [
      ['get', operation(ctx, 'get', object, 'status')],
      ['put', operation(ctx, 'put', object, 'status')],
      ['patch', operation(ctx, 'patch', object, 'status')],
    ]);
  }
  if (def.subresources.scale) {
    const scale = refTo(DEF.scale);
    add(`${collection}/{name}/scale`, named, [
      ['get', operation(ctx, 'get', scale, 'scale')],
      ['put', operation(ctx, 'put', scale, 'scale')],
      ['patch', operation(ctx, 'patch', scale, 'scale')],
    ]);
  }
  return paths;
}
