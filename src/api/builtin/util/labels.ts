/**
 * Labels and label selectors as apimachinery formats, matches and validates them
 * (pkg/labels, metav1.LabelSelectorAsSelector / FormatLabelSelector, metav1 validation).
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import { validateAnnotations as validateMetaAnnotations, validateLabels as validateMetaLabels } from '../../meta/validate-meta.ts';
import { isQualifiedName, isValidLabelValue } from './names.ts';
import { arr, isObj, obj, str, strMap, strs } from './obj.ts';

/** labels.FormatLabels: `k=v` sorted by key, comma-joined; `<none>` when empty. */
export function formatLabels(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${labels[k]}`).join(',');
}

interface Requirement {
  key: string;
  op: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
  /** A matchLabels entry prints as `k=v`; an `In` with one value as `k in (v)`. */
  equals: boolean;
}

/** Requirements of a LabelSelector, or an error text when an operator is unknown. */
function requirements(selector: unknown): Requirement[] | string {
  const sel = obj(selector);
  const out: Requirement[] = [];
  for (const [key, value] of Object.entries(strMap(sel.matchLabels))) out.push({ key, op: 'In', values: [value], equals: true });
  for (const expr of arr(sel.matchExpressions)) {
    const e = obj(expr);
    const op = str(e.operator);
    if (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist') return `${JSON.stringify(op)} is not a valid label selector operator`;
    out.push({ key: str(e.key), op, values: strs(e.values), equals: false });
  }
  // labels.Selector.Add keeps requirements sorted by key.
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function requirementString(r: Requirement): string {
  if (r.equals) return `${r.key}=${r.values[0]}`;
  switch (r.op) {
    case 'Exists': return r.key;
    case 'DoesNotExist': return `!${r.key}`;
    default: return `${r.key} ${r.op === 'In' ? 'in' : 'notin'} (${[...r.values].sort().join(',')})`;
  }
}

/**
 * `LabelSelectorAsSelector(sel).String()`: empty for a nil or empty selector, `undefined`
 * when the selector is invalid (printers show `<invalid>` / `<error>`).
 */
export function labelSelectorString(selector: unknown): string | undefined {
  if (!isObj(selector)) return '';
  const reqs = requirements(selector);
  return typeof reqs === 'string' ? undefined : reqs.map(requirementString).join(',');
}

/** metav1.FormatLabelSelector: `<none>` for an empty selector, `<error>` for an invalid one. */
export function formatLabelSelector(selector: unknown): string {
  const s = labelSelectorString(selector);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}

/**
 * Whether `labels` satisfy a LabelSelector. A nil selector matches nothing and an empty one
 * everything (metav1.LabelSelectorAsSelector); `NotIn` and `DoesNotExist` match absent keys.
 */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isObj(selector)) return false;
  const reqs = requirements(selector);
  if (typeof reqs === 'string') return false;
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.op) {
      case 'In': return has && r.values.includes(labels[r.key]!);
      case 'NotIn': return !has || !r.values.includes(labels[r.key]!);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
    }
  });
}

/** Whether a selector has neither matchLabels nor matchExpressions. */
export function selectorIsEmpty(selector: unknown): boolean {
  const sel = obj(selector);
  return Object.keys(strMap(sel.matchLabels)).length + arr(sel.matchExpressions).length === 0;
}

/** metav1 validation.ValidateLabelName. */
export function validateLabelName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((m) => fieldErr.invalid(path, name, m));
}

/** metav1 validation.ValidateLabels on a decoded (possibly malformed) map. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  return validateMetaLabels(strMap(labels), path);
}

/** metav1 validation.ValidateLabelSelector (label values checked strictly). */
export function validateLabelSelector(selector: unknown, path: string): FieldError[] {
  if (!isObj(selector)) return [];
  const errs = validateLabels(selector.matchLabels, `${path}.matchLabels`);
  arr(selector.matchExpressions).forEach((item, i) => {
    const e = obj(item);
    const p = `${path}.matchExpressions[${i}]`;
    const op = str(e.operator);
    const values = strs(e.values);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) errs.push(fieldErr.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) errs.push(fieldErr.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(fieldErr.invalid(`${p}.operator`, op, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(str(e.key), `${p}.key`));
    values.forEach((v, j) => errs.push(...isValidLabelValue(v).map((m) => fieldErr.invalid(`${p}.values[${j}]`, v, m))));
  });
  return errs;
}

/** apimachinery ValidateAnnotations on a decoded (possibly malformed) map. */
export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  return validateMetaAnnotations(strMap(annotations), path);
}
