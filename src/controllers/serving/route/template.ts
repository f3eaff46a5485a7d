/**
 * The part of Go's text/template that Knative's domain and tag templates use
 * (config-network `domain-template` and `tag-template`): literal text, field actions
 * `{{.Name}}`, `{{.Namespace}}`, `{{.Domain}}`, `{{.Tag}}`, and map lookups
 * `{{index .Annotations "key"}}` / `{{index .Labels "key"}}`, with `{{-`/`-}}` trimming.
 *
 * Why not a general engine: these two templates are all the Route controller renders, and
 * a template outside this subset is a configuration error to report (as Go would fail to
 * parse or execute it), not something to half-render.
 */

/** What a template can read: strings (`.Name`) and string maps (`index .Labels "k"`). */
export type TemplateData = Readonly<Record<string, string | Readonly<Record<string, string>> | undefined>>;

export class TemplateError extends Error {}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'field'; field: string; action: string }
  | { kind: 'index'; field: string; key: string; action: string };

export interface GoTemplate {
  readonly name: string;
  readonly source: string;
  execute(data: TemplateData): string;
}

const FIELD = /^\.([A-Za-z_][A-Za-z0-9_]*)$/;
const INDEX = /^index\s+\.([A-Za-z_][A-Za-z0-9_]*)\s+"((?:[^"\\]|\\.)*)"$/;

/** Parses `source`; throws TemplateError (worded like Go's parse errors) for anything outside the subset. */
export function parseGoTemplate(name: string, source: string): GoTemplate {
  const nodes: Node[] = [];
  let rest = source;
  let line = 1;
  while (rest.length > 0) {
    const open = rest.indexOf('{{');
    if (open < 0) {
      nodes.push({ kind: 'text', text: rest });
      break;
    }
    let text = rest.slice(0, open);
    const close = rest.indexOf('}}', open + 2);
    if (close < 0) throw new TemplateError(`template: ${name}:${line}: unclosed action`);
    let inner = rest.slice(open + 2, close);
    // `{{- ` trims the whitespace before the action, ` -}}` the whitespace after it.
    if (/^-\s/.test(inner)) {
      text = text.replace(/\s+$/, '');
      inner = inner.slice(1);
    }
    let after = rest.slice(close + 2);
    if (/\s-$/.test(inner)) {
      inner = inner.slice(0, -1);
      after = after.replace(/^\s+/, '');
    }
    if (text) nodes.push({ kind: 'text', text });
    line += (rest.slice(0, close).match(/\n/g) ?? []).length;
    nodes.push(parseAction(name, line, inner.trim()));
    rest = after;
  }
  return { name, source, execute: (data) => execute(name, nodes, data) };
}

function parseAction(name: string, line: number, action: string): Node {
  if (action === '') throw new TemplateError(`template: ${name}:${line}: missing value for command`);
  const field = FIELD.exec(action);
  if (field) return { kind: 'field', field: field[1]!, action };
  const index = INDEX.exec(action);
  if (index) return { kind: 'index', field: index[1]!, key: JSON.parse(`"${index[2]!}"`) as string, action };
  throw new TemplateError(`template: ${name}:${line}: unsupported action {{${action}}} (Knative's templates use {{.Field}} and {{index .Map "key"}})`);
}

function execute(name: string, nodes: readonly Node[], data: TemplateData): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') {
      out += node.text;
      continue;
    }
    if (!Object.hasOwn(data, node.field)) {
      throw new TemplateError(`template: ${name}: executing "${name}" at <.${node.field}>: can't evaluate field ${node.field}`);
    }
    const value = data[node.field];
    if (node.kind === 'field') {
      // Go prints a map field as map[...]; Knative's templates never do that, so it is an error here.
      if (value !== undefined && typeof value !== 'string') throw new TemplateError(`template: ${name}: executing "${name}" at <.${node.field}>: field ${node.field} is a map, not a string`);
      out += value ?? '';
    } else {
      if (typeof value === 'string') throw new TemplateError(`template: ${name}: executing "${name}" at <index .${node.field}>: can't index item of type string`);
      // index on a map returns the zero value for a missing key (and on a nil map).
      out += value?.[node.key] ?? '';
    }
  }
  return out;
}
