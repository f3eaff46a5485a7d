/** Label and field selectors (apimachinery pkg/labels and pkg/fields). */
export { LabelSelector, parseLabelSelector, labelSelectorFromObject, formatLabelSelectorObject, type LabelSelectorObject } from './label-selector.ts';
export { requirementString, type LabelOperator, type LabelRequirement, type Labels } from './label-requirement.ts';
export { FieldSelector, parseFieldSelector, escapeFieldValue, type FieldOperator, type FieldRequirement } from './field-selector.ts';
