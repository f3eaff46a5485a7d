/**
 * Typed Go values as `%#v` prints them inside field errors, for the messages users meet most:
 * `spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"x"},
 * MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable`.
 */
import { GoText, goQuote, goStringSlice } from '../../schema/go-format.ts';
import { arr, isObj, obj, str, strs } from './obj.ts';

export { goStringSlice };

/** `%#v` of a map[string]string: `(nil)` when absent, keys sorted. */
export function goStringMapText(value: unknown): string {
  if (!isObj(value)) return 'map[string]string(nil)';
  const keys = Object.keys(value).sort();
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(str(value[k]))}`).join(', ')}}`;
}

export function goStringMap(value: unknown): GoText {
  return new GoText(goStringMapText(value));
}

function goStrings(value: unknown): string {
  return Array.isArray(value) ? goStringSlice(strs(value)).text : '[]string(nil)';
}

/** `%#v` of a metav1.LabelSelector (validation dereferences the pointer first). */
export function goLabelSelector(selector: unknown): GoText {
  const sel = obj(selector);
  const exprs = Array.isArray(sel.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${arr(sel.matchExpressions).map((e) => {
      const r = obj(e);
      return `v1.LabelSelectorRequirement{Key:${goQuote(str(r.key))}, Operator:${goQuote(str(r.operator))}, Values:${goStrings(r.values)}}`;
    }).join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return new GoText(`v1.LabelSelector{MatchLabels:${goStringMapText(sel.matchLabels)}, MatchExpressions:${exprs}}`);
}
