/**
 * Table cells for CRD printer columns, as apiextensions-apiserver's table convertor
 * computes them (pkg/registry/customresource/tableconvertor): the column's JSONPath is
 * wrapped in `{}` and evaluated with missing keys allowed; only the first match counts;
 * no match (or an evaluation error) gives a null cell.
 */
import type { PrinterColumn } from '../kind.ts';
import type { JsonPathTemplate } from './ast.ts';
import { findJsonPathResults, formatJsonPathValue } from './evaluate.ts';
import { goKind } from './go-values.ts';
import { humanDuration } from '../builtin/human-duration.ts';
import { parseJsonPath } from './parser.ts';
import { parseRfc3339 } from './rfc3339.ts';

const templates = new Map<string, JsonPathTemplate | null>();

/** The column's parsed template, cached; null when the JSONPath does not parse. */
function columnTemplate(jsonPath: string): JsonPathTemplate | null {
  let template = templates.get(jsonPath);
  if (template === undefined) {
    try {
      template = parseJsonPath(`{${jsonPath}}`);
    } catch {
      template = null;
    }
    if (templates.size > 1000) templates.clear();
    templates.set(jsonPath, template);
  }
  return template;
}

/** `date` cells: the age since the timestamp; `<unknown>` for an empty or null time. */
function dateCell(text: string, now: Date): string {
  if (text === '' || text === 'null') return '<unknown>';
  const time = parseRfc3339(text);
  if (time === undefined) return '<invalid>';
  return humanDuration(now.getTime() - time);
}

/** cellForJSONValue: a typed cell, or null when the value does not have the column's type. */
function typedCell(type: string, value: unknown, now: Date): unknown {
  const kind = goKind(value);
  switch (type) {
    case 'integer':
      if (kind === 'int') return value;
      if (kind === 'float') return Math.trunc(value as number);
      return null;
    case 'number':
      return kind === 'int' || kind === 'float' ? value : null;
    case 'boolean':
      return kind === 'bool' ? value : null;
    case 'date':
      return kind === 'string' ? dateCell(value as string, now) : null;
    default:
      return null;
  }
}

/**
 * The cell for one CRD printer column of `obj`:
 * - `string`: the JSONPath text output (maps and lists as compact JSON, e.g. `["default"]`);
 * - `integer` / `number` / `boolean`: the typed value, or null if it has another type;
 * - `date`: a human duration relative to `now` (`5m`, `3d4h`), `<invalid>` if unparsable;
 * - a missing value: null (kubectl prints an empty cell).
 */
export function printerColumnCell(obj: unknown, column: Pick<PrinterColumn, 'type' | 'jsonPath'>, now: Date = new Date()): unknown {
  const template = columnTemplate(column.jsonPath);
  if (template === null) return null;
  let results: unknown[][];
  try {
    results = findJsonPathResults(template, obj, { allowMissingKeys: true });
  } catch {
    return null;
  }
  const first = results[0];
  if (first === undefined || first.length === 0) return null;
  const value = first[0];
  if (column.type === 'string') {
    // The convertor re-wraps the value with reflect.ValueOf, so a JSON null becomes an
    // invalid reflect.Value, which client-go prints as "<no value>".
    return goKind(value) === 'nil' ? '<no value>' : formatJsonPathValue(value);
  }
  return typedCell(column.type, value, now);
}
