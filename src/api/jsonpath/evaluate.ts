/**
 * Evaluation of Kubernetes JSONPath templates over JSON values, following client-go
 * util/jsonpath/jsonpath.go: each top-level action is evaluated against the root object
 * (or the current `range` element) and yields one result list; `{range}`…`{end}` repeats
 * the actions between them once per element. Like client-go, a failing step hands back a
 * partial value together with its error, because filters use those partial values.
 */
import { SkiffError } from '../../errors/skiff-error.ts';
import type { JsonPathNode, JsonPathTemplate, ListNode, SliceParam } from './ast.ts';
import { ComparisonError, FloatLiteral, goCompare, goFormatValue, goJsonMarshal, goKind, goTypeName, plainValue } from './go-values.ts';
import { parseJsonPath } from './parser.ts';

export interface JsonPathOptions {
  /** Missing fields and map keys yield no result instead of an error (kubectl's default, and the CRD table convertor's). */
  allowMissingKeys?: boolean;
}

interface Step {
  values: unknown[];
  error?: string;
}

const ok = (values: unknown[]): Step => ({ values });
const fail = (values: unknown[], error: string): Step => ({ values, error });

function isNil(v: unknown): boolean {
  return v === null || v === undefined;
}

/** Children a wildcard or recursive descent visits: map values, slice elements, string bytes. */
function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...Buffer.from(v, 'utf8')];
  if (goKind(v) === 'map') return Object.values(v as Record<string, unknown>);
  return [];
}

class Evaluator {
  private beginRange = 0;
  private inRange = 0;
  private endRange = 0;
  private lastEnd = -1;

  constructor(private readonly nodes: readonly JsonPathNode[], private readonly allowMissingKeys: boolean) {}

  /** client-go FindResults over the root nodes from index `from`; throws on the first error. */
  findResults(from: number, data: unknown): unknown[][] {
    const current = [data];
    const full: unknown[][] = [];
    for (let i = from; i < this.nodes.length; i++) {
      const step = this.walk(current, this.nodes[i] as JsonPathNode);
      if (step.error !== undefined) throw new SkiffError('SKF_API_BAD_REQUEST', step.error, { details: { reason: step.error } });

      if (this.endRange > 0 && this.endRange <= this.inRange) {
        this.endRange--;
        this.lastEnd = i;
        break;
      }
      if (this.beginRange > 0) {
        this.beginRange--;
        this.inRange++;
        if (step.values.length > 0) {
          for (const value of step.values) full.push(...this.findResults(i + 1, value));
        } else {
          // Still walk the body, so that its `end` is found and skipped.
          this.findResults(i + 1, null);
        }
        this.inRange--;
        for (let k = i + 1; k < this.nodes.length; k++) {
          if (k === this.lastEnd) {
            i = k;
            break;
          }
        }
        continue;
      }
      full.push(step.values);
    }
    return full;
  }

  private walk(input: unknown[], node: JsonPathNode): Step {
    switch (node.type) {
      case 'list': return this.evalList(input, node);
      case 'text': return ok([node.text]);
      case 'field': return this.evalField(input, node.name);
      case 'array': return this.evalArray(input, node.params);
      case 'filter': return this.evalFilter(input, node);
      case 'int':
      case 'bool': return ok(input.map(() => node.value));
      case 'float': return ok(input.map(() => new FloatLiteral(node.value)));
      case 'wildcard': return ok(input.filter((v) => !isNil(v)).flatMap(children));
      case 'recursive': return ok(this.evalRecursive(input));
      case 'union': return this.evalUnion(input, node.lists);
      case 'identifier': return this.evalIdentifier(input, node.name);
    }
  }

  private evalList(input: unknown[], list: ListNode): Step {
    let current = input;
    for (const node of list.nodes) {
      const step = this.walk(current, node);
      if (step.error !== undefined) return step;
      current = step.values;
    }
    return ok(current);
  }

  private evalIdentifier(input: unknown[], name: string): Step {
    if (name === 'range') {
      this.beginRange++;
      return ok(input);
    }
    if (name === 'end') {
      if (this.inRange > 0) {
        this.endRange++;
        return ok([]);
      }
      return fail([], 'not in range, nothing to end');
    }
    return fail(input, `unrecognized identifier ${name}`);
  }

  private evalField(input: unknown[], name: string): Step {
    const results: unknown[] = [];
    if (input.length === 0) return ok(results);
    for (const v of input) {
      if (goKind(v) !== 'map') continue;
      const m = v as Record<string, unknown>;
      if (Object.hasOwn(m, name)) results.push(m[name]);
    }
    if (results.length === 0 && !this.allowMissingKeys) return fail(results, `${name} is not found`);
    return ok(results);
  }

  private evalArray(input: unknown[], params: readonly [SliceParam, SliceParam, SliceParam]): Step {
    const result: unknown[] = [];
    for (const v of input) {
      if (isNil(v)) continue;
      if (!Array.isArray(v)) return fail(input, `${goTypeName(v)} is not array or slice`);
      const length = v.length;
      let start = params[0].known ? params[0].value : 0;
      if (start < 0) start += length;
      let end = params[1].known ? params[1].value : length;
      if (end < 0 || (end === 0 && params[1].derived)) end += length;
      // Asking for zero elements is allowed, and (as in client-go) ends the whole step.
      if (end === start) return ok(result);
      if (start >= length || start < 0) return fail(input, `array index out of bounds: index ${start}, length ${length}`);
      if (end > length || end < 0) return fail(input, `array index out of bounds: index ${end - 1}, length ${length}`);
      if (start > end) return fail(input, `starting index ${start} is greater than ending index ${end}`);
      let step = 1;
      if (params[2].known) {
        if (params[2].value <= 0) return fail(input, 'step must be > 0');
        step = params[2].value;
      }
      const slice = v.slice(start, end);
      for (let i = 0; i < slice.length; i += step) result.push(slice[i]);
    }
    return ok(result);
  }

  private evalUnion(input: unknown[], lists: readonly ListNode[]): Step {
    const result: unknown[] = [];
    for (const list of lists) {
      const step = this.evalList(input, list);
      if (step.error !== undefined) return fail(input, step.error);
      result.push(...step.values);
    }
    return ok(result);
  }

  /** Every value with children, each followed by its own descendants (depth first). */
  private evalRecursive(input: unknown[]): unknown[] {
    const result: unknown[] = [];
    for (const v of input) {
      if (isNil(v)) continue;
      const kids = children(v);
      if (kids.length === 0) continue;
      result.push(v, ...this.evalRecursive(kids));
    }
    return result;
  }

  private evalFilter(input: unknown[], filter: Extract<JsonPathNode, { type: 'filter' }>): Step {
    const results: unknown[] = [];
    for (const v of input) {
      if (!Array.isArray(v)) return fail(input, `${goFormatValue(v)} is not array or slice and cannot be filtered`);
      for (const element of v) {
        const lefts = this.evalList([element], filter.left);
        if (filter.operator === 'exists') {
          if (lefts.values.length > 0) results.push(element);
          continue;
        }
        if (lefts.error !== undefined) return fail(input, lefts.error);
        if (lefts.values.length === 0) continue;
        if (lefts.values.length > 1) return fail(input, 'can only compare one element at a time');
        const rights = this.evalList([element], filter.right);
        if (rights.error !== undefined) return fail(input, rights.error);
        if (rights.values.length === 0) continue;
        if (rights.values.length > 1) return fail(input, 'can only compare one element at a time');
        try {
          if (goCompare(filter.operator, lefts.values[0], rights.values[0])) results.push(element);
        } catch (err) {
          if (err instanceof ComparisonError) return fail(results, err.message);
          throw err;
        }
      }
    }
    return ok(results);
  }
}

function toTemplate(expr: string | JsonPathTemplate): JsonPathTemplate {
  return typeof expr === 'string' ? parseJsonPath(expr) : expr;
}

/**
 * Every result list of a template, one per top-level text or action (and per `range`
 * iteration), as client-go's FindResults. The template is taken as is: text outside `{}`
 * is literal. Throws SkiffError SKF_API_BAD_REQUEST with client-go's message
 * when evaluation fails (e.g. `array index out of bounds: index 3, length 1`).
 */
export function findJsonPathResults(expr: string | JsonPathTemplate, obj: unknown, options: JsonPathOptions = {}): unknown[][] {
  const template = toTemplate(expr);
  const results = new Evaluator(template.root.nodes, options.allowMissingKeys ?? false).findResults(0, obj);
  return results.map((list) => list.map(plainValue));
}

/**
 * The values a JSONPath selects, all result lists concatenated. `expr` is a template
 * (`{.items[*].metadata.name}`) or a bare path (`.status.url`), which is wrapped in `{}`.
 */
export function evaluateJsonPath(expr: string | JsonPathTemplate, obj: unknown, options: JsonPathOptions = {}): unknown[] {
  // A bare path is one action, as CRD printer columns and selectableFields write it.
  const template = typeof expr === 'string' && !expr.includes('{') ? `{${expr}}` : expr;
  return findJsonPathResults(template, obj, options).flat();
}

/** One value as client-go's PrintResults writes it: maps and slices as compact JSON, scalars with fmt.Fprint. */
export function formatJsonPathValue(v: unknown): string {
  const kind = goKind(v);
  if (kind === 'map' || kind === 'slice') return goJsonMarshal(v);
  if (kind === 'nil') return 'null';
  return goFormatValue(v);
}

/** The text `kubectl -o jsonpath=…` prints (template taken as is): values space-separated within a result list. */
export function formatJsonPath(expr: string | JsonPathTemplate, obj: unknown, options: JsonPathOptions = {}): string {
  return findJsonPathResults(expr, obj, options).map((list) => list.map(formatJsonPathValue).join(' ')).join('');
}
