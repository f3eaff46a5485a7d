/**
 * Field selectors (apimachinery pkg/fields): comma-separated `field=value`, `field==value`
 * and `field!=value` terms, ANDed; `\`, `,` and `=` in values are escaped with `\`. A field
 * an object does not have reads as the empty string, so `spec.nodeName=` selects unscheduled
 * pods and `x!=v` selects objects without `x`.
 */
import { SkiffError } from '../../errors/skiff-error.ts';
import { compareGoStrings } from '../schema/go-format.ts';

/** `==` parses as `=` (Go keeps no trace of the difference). */
export type FieldOperator = '=' | '!=';

export interface FieldRequirement {
  field: string;
  operator: FieldOperator;
  value: string;
}

function invalid(message: string, selector: string): SkiffError {
  return new SkiffError('SKF_API_BAD_SELECTOR', message, { details: { fieldSelector: selector } });
}

/** Splits on commas that are not escaped. */
function splitTerms(selector: string): string[] {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** The first operator in the term, trying `!=`, `==`, `=` at each position. */
function splitTerm(term: string): { field: string; operator: '=' | '==' | '!='; value: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const operator of ['!=', '==', '='] as const) {
      if (term.startsWith(operator, i)) return { field: term.slice(0, i), operator, value: term.slice(i + operator.length) };
    }
  }
  return undefined;
}

/** fields.UnescapeValue, with its messages (the rune is printed as a number, as Go's %v does). */
export function unescapeFieldValue(value: string, selector: string): string {
  if (!/[\\,=]/.test(value)) return value;
  let out = '';
  let escaped = false;
  for (const c of value) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') throw invalid(`invalid field selector: invalid escape sequence: \\${c}`, selector);
      out += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',' || c === '=') {
      throw invalid(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`, selector);
    } else {
      out += c;
    }
  }
  if (escaped) throw invalid('invalid field selector: invalid escape sequence: \\', selector);
  return out;
}

/** fields.EscapeValue. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

export class FieldSelector {
  private constructor(readonly requirements: readonly FieldRequirement[]) {}

  static everything(): FieldSelector {
    return new FieldSelector([]);
  }

  static of(requirements: readonly FieldRequirement[]): FieldSelector {
    return new FieldSelector([...requirements]);
  }

  /** `fields` maps each supported field to its value; a missing field reads as ''. */
  matches(fields: Readonly<Record<string, string | undefined>>): boolean {
    return this.requirements.every((r) => {
      const actual = (Object.hasOwn(fields, r.field) ? fields[r.field] : undefined) ?? '';
      return r.operator === '!=' ? actual !== r.value : actual === r.value;
    });
  }

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  /** The canonical text: terms in parsed (sorted) order, values escaped. */
  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
  }

  /** The value a field must equal, if a term pins it (used to narrow a list to one namespace or name). */
  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator !== '!=')?.value;
  }

  /**
   * Refuses fields outside `supported` with Kubernetes' message `field label not supported: <f>`
   * (SKF_API_BAD_SELECTOR, HTTP 400).
   */
  assertSupported(supported: Iterable<string>): void {
    const allowed = new Set(supported);
    for (const r of this.requirements) {
      if (!allowed.has(r.field)) throw new SkiffError('SKF_API_BAD_SELECTOR', `field label not supported: ${r.field}`, { details: { field: r.field } });
    }
  }
}

/**
 * Parses a field selector (fields.ParseSelector). Terms are sorted, as Go does before
 * parsing. Throws SkiffError SKF_API_BAD_SELECTOR, e.g.
 * `invalid selector: 'status'; can't understand 'status'`.
 */
export function parseFieldSelector(selector: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  const terms = splitTerms(selector).sort(compareGoStrings);
  for (const term of terms) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (parts === undefined) throw invalid(`invalid selector: '${selector}'; can't understand '${term}'`, selector);
    requirements.push({ field: parts.field, operator: parts.operator === '!=' ? '!=' : '=', value: unescapeFieldValue(parts.value, selector) });
  }
  return FieldSelector.of(requirements);
}
