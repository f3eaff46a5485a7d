/**
 * One requirement of a label selector (apimachinery pkg/labels Requirement): its
 * validation with Kubernetes' messages, its matching and its canonical text.
 */
import { formatFieldErrors, fieldErr, type FieldError } from '../field-error.ts';
import { isQualifiedName, isValidLabelValue } from '../builtin/util/names.ts';
import { GoText, compareGoStrings, goStringSlice } from '../schema/go-format.ts';

/** selection.Operator values, as Go spells them. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: readonly string[];
}

export type Labels = Readonly<Record<string, string>> | undefined;

/** The operators NewRequirement accepts, in Go's order (for "supported values" messages). */
export const LABEL_OPERATORS: readonly LabelOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt', 'exists', '!'];

/** strconv.ParseInt(s, 10, 64). */
export function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

/** validateLabelKey: the key must be a qualified name. `path` is Go's field path text. */
export function labelKeyErrors(key: string, path: string): FieldError[] {
  const errs = isQualifiedName(key);
  return errs.length === 0 ? [] : [fieldErr.invalid(path, key, errs.join('; '))];
}

/**
 * labels.NewRequirement's checks, returning every problem found (an empty list when valid).
 * Field paths are the ones Go prints for a selector parsed without a path: `key`,
 * `values`, `values[0][app]`, `operator`. `nilValues` renders an empty list as Go's nil
 * slice (`[]string(nil)`), as it is when it comes from a LabelSelector object.
 */
export function requirementErrors(key: string, operator: string, values: readonly string[], nilValues = false): FieldError[] {
  const errs = labelKeyErrors(key, 'key');
  const list = nilValues && values.length === 0 ? new GoText('[]string(nil)') : goStringSlice(values);
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(fieldErr.invalid('values', list, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(fieldErr.invalid('values', list, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(fieldErr.invalid('values', list, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(fieldErr.invalid('values', list, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(fieldErr.invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errs.push(fieldErr.notSupported('operator', operator, LABEL_OPERATORS));
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length > 0) errs.push(fieldErr.invalid(`values[${i}][${key}]`, v, msgs.join('; ')));
  });
  return errs;
}

/** The aggregate error text Go returns from NewRequirement, or undefined when valid. */
export function requirementError(key: string, operator: string, values: readonly string[], nilValues = false): string | undefined {
  const errs = requirementErrors(key, operator, values, nilValues);
  return errs.length === 0 ? undefined : formatFieldErrors(errs);
}

export function requirementMatches(r: LabelRequirement, labels: Labels): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, r.key);
  const value = has ? (labels as Record<string, string>)[r.key] as string : '';
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(value);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || r.values.length !== 1) return false;
      const actual = parseInt64(value);
      const bound = parseInt64(r.values[0] as string);
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

const OPERATOR_TEXT: Record<LabelOperator, string> = { '=': '=', '==': '==', '!=': '!=', in: ' in ', notin: ' notin ', gt: '>', lt: '<', exists: '', '!': '' };

/** Requirement.String: `k=v`, `k!=v`, `k in (a,b)`, `k`, `!k`, `k>1` (multiple values sorted). */
export function requirementString(r: LabelRequirement): string {
  if (r.operator === 'exists') return r.key;
  if (r.operator === '!') return `!${r.key}`;
  const values = r.values.length === 1 ? (r.values[0] as string) : [...r.values].sort(compareGoStrings).join(',');
  const list = r.operator === 'in' || r.operator === 'notin' ? `(${values})` : values;
  return `${r.key}${OPERATOR_TEXT[r.operator]}${list}`;
}
