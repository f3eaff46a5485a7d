/**
 * Seed 003 renders each YAML example on one line, so its nesting is lost: `spec: ingress:
 * - from: - namespaceSelector: matchLabels: name: "x" podSelector: {}` does not say whether
 * `podSelector` belongs to the peer or to the spec. A reader rebuilds the nesting from the
 * same example in another language's document; this does the same: the shape (which key
 * nests where, which value is a list) comes from the indented examples of the other seeds,
 * the keys and values from the flattened text. Callout numbers are dropped where a value
 * cannot stand (after a value, or after a key that opens a map or list).
 */
import { parseAllDocuments } from 'yaml';

export type Shape = { kind: 'map'; keys: Map<string, Shape> } | { kind: 'seq'; item: Shape | undefined } | { kind: 'scalar' };

/** The union of the shapes of `values` (keys of every map, items of every list). */
export function shapeOf(values: readonly unknown[]): Shape | undefined {
  let shape: Shape | undefined;
  for (const value of values) shape = merge(shape, single(value));
  return shape;
}

function single(value: unknown): Shape {
  if (Array.isArray(value)) return { kind: 'seq', item: shapeOf(value) };
  if (value !== null && typeof value === 'object') {
    return { kind: 'map', keys: new Map(Object.entries(value).map(([k, v]) => [k, single(v)])) };
  }
  return { kind: 'scalar' };
}

function merge(a: Shape | undefined, b: Shape | undefined): Shape | undefined {
  if (!a || !b) return a ?? b;
  if (a.kind === 'map' && b.kind === 'map') {
    const keys = new Map(a.keys);
    for (const [k, v] of b.keys) keys.set(k, merge(keys.get(k), v)!);
    return { kind: 'map', keys };
  }
  if (a.kind === 'seq' && b.kind === 'seq') return { kind: 'seq', item: merge(a.item, b.item) };
  if (a.kind !== b.kind) throw new Error(`the template examples disagree: a ${a.kind} and a ${b.kind} at the same place`);
  return a;
}

/** The shape of every template document, by `kind` (fragments without a kind under `''`). */
export function shapesByKind(templateYaml: readonly string[]): Map<string, Shape> {
  const docsByKind = new Map<string, unknown[]>();
  for (const text of templateYaml) {
    for (const doc of parseAllDocuments(text)) {
      const value = doc.toJS() as unknown;
      if (value === null || typeof value !== 'object') continue;
      const kind = (value as { kind?: unknown }).kind;
      const key = typeof kind === 'string' ? kind : '';
      docsByKind.set(key, [...(docsByKind.get(key) ?? []), value]);
    }
  }
  return new Map([...docsByKind].map(([k, docs]) => [k, shapeOf(docs)!]));
}

const isKey = (token: string | undefined): token is string => token !== undefined && token.length > 1 && token.endsWith(':');
const keyName = (token: string): string => token.slice(0, -1).replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
const isCallout = (token: string | undefined): boolean => token !== undefined && /^\d+$/.test(token);

/** The flattened example as indented YAML, nested like the template examples of the same kind. */
export function reflow(flattened: string, shapes: ReadonlyMap<string, Shape>): string {
  const tokens: string[] = flattened.match(/"[^"]*":?|'[^']*':?|\S+/g) ?? [];
  const out: string[] = [];
  let i = 0;

  const skipCallouts = () => {
    while (isCallout(tokens[i])) i++;
  };
  /** Keys of `shape` from tokens[i] on; the first key gets `firstPrefix`, the others `column` spaces. */
  const mapBody = (shape: Extract<Shape, { kind: 'map' }>, column: number, firstPrefix: string) => {
    let prefix = firstPrefix;
    while (isKey(tokens[i]) && shape.keys.has(keyName(tokens[i]!))) {
      const keyToken = tokens[i++]!;
      const child = shape.keys.get(keyName(keyToken))!;
      if (child.kind === 'scalar') {
        out.push(`${prefix}${keyToken} ${tokens[i++] ?? ''}`);
        skipCallouts();
      } else if (tokens[i] === '{}' || tokens[i] === '[]') {
        out.push(`${prefix}${keyToken} ${tokens[i++]!}`);
        skipCallouts();
      } else {
        skipCallouts();
        out.push(`${prefix}${keyToken}`);
        if (child.kind === 'map') mapBody(child, column + 2, ' '.repeat(column + 2));
        else seqBody(child, column + 2);
      }
      prefix = ' '.repeat(column);
    }
  };
  const seqBody = (shape: Extract<Shape, { kind: 'seq' }>, column: number) => {
    while (tokens[i] === '-') {
      i++;
      const dash = `${' '.repeat(column)}- `;
      if (shape.item?.kind === 'map') mapBody(shape.item, column + 2, dash);
      else {
        out.push(`${dash}${tokens[i++] ?? ''}`);
        skipCallouts();
      }
    }
  };

  while (i < tokens.length) {
    if (tokens[i] === '...' || tokens[i] === '---') {
      out.push(tokens[i++]!);
      continue;
    }
    const kindAt = tokens.indexOf('kind:', i);
    const nextDoc = tokens.indexOf('---', i);
    const kind = kindAt >= 0 && (nextDoc < 0 || kindAt < nextDoc) ? tokens[kindAt + 1]! : '';
    const shape = shapes.get(kind);
    if (shape?.kind !== 'map') throw new Error(`no template example of kind ${JSON.stringify(kind)} to rebuild ${JSON.stringify(flattened.slice(0, 60))}`);
    mapBody(shape, 0, '');
    if (i < tokens.length && tokens[i] !== '---' && tokens[i] !== '...') {
      throw new Error(`cannot place ${JSON.stringify(tokens.slice(i, i + 2).join(' '))} (token ${i}) of ${JSON.stringify(flattened.slice(0, 60))}`);
    }
  }
  return out.join('\n');
}
