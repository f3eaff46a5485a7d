/**
 * Labels and label selectors as apimachinery formats, matches and validates them
 * (pkg/labels, metav1.LabelSelectorAsSelector / FormatLabelSelector, metav1 validation).
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import { formatLabelSelectorObject, labelSelectorFromObject, type LabelSelectorObject } from '../../selectors/label-selector.ts';
import { validateAnnotations as validateMetaAnnotations, validateLabels as validateMetaLabels } from '../../meta/validate-meta.ts';
import { isQualifiedName, isValidLabelValue } from './names.ts';
import { arr, isObj, obj, str, strMap, strs } from './obj.ts';

/** labels.FormatLabels: `k=v` sorted by key, comma-joined; `<none>` when empty. */
export function formatLabels(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${labels[k]}`).join(',');
}

/**
 * `LabelSelectorAsSelector(sel).String()` of a decoded selector: empty for a nil or empty
 * selector, `undefined` when the selector is invalid (printers show `<invalid>` / `<error>`).
 */
export function labelSelectorString(selector: unknown): string | undefined {
  try {
    return labelSelectorFromObject(asSelectorObject(selector)).toString();
  } catch {
    return undefined;
  }
}

/** metav1.FormatLabelSelector: `<none>` for an empty selector, `<error>` for an invalid one. */
export function formatLabelSelector(selector: unknown): string {
  return formatLabelSelectorObject(asSelectorObject(selector));
}

/**
 * Whether `labels` satisfy a LabelSelector. A nil selector matches nothing and an empty one
 * everything (metav1.LabelSelectorAsSelector); an invalid one matches nothing.
 */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  try {
    return labelSelectorFromObject(asSelectorObject(selector)).matches(labels);
  } catch {
    return false;
  }
}

/**
 * A decoded selector in the shape src/api/selectors reads: anything that is not an object
 * is Go's nil pointer; maps and lists are taken as the schema admitted them.
 */
function asSelectorObject(selector: unknown): LabelSelectorObject | undefined {
  if (!isObj(selector)) return undefined;
  return {
    matchLabels: strMap(selector.matchLabels),
    matchExpressions: arr(selector.matchExpressions).map((item) => {
      const e = obj(item);
      return { key: str(e.key), operator: str(e.operator), values: strs(e.values) };
    }),
  };
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
