/**
 * DestinationRule (networking.istio.io): istiod's ValidateDestinationRule — host, traffic
 * policies, subsets, exportTo and workload selector.
 */
import { fieldErr } from '../../field-error.ts';
import type { KindDefinition, PrinterColumn } from '../../kind.ts';
import type { KubeObject } from '../../object.ts';
import { asArray, asRecord, asString, specOf } from '../fields.ts';
import { emptyFindings, uniqueWarnings } from '../findings.ts';
import type { Findings } from '../findings.ts';
import { MESH_SCHEMAS } from '../schemas/index.ts';
import { validateExportTo, validateSelectorLabels } from './common-rules.ts';
import { ISTIO_AGE_COLUMN, NETWORKING_GROUP, istioKind } from './istio-kind.ts';
import { isDns1123Label, validateWildcardDomain } from './names.ts';
import { checkTrafficPolicy } from './traffic-policy.ts';

export const DESTINATION_RULE_COLUMNS: readonly PrinterColumn[] = [
  { name: 'Host', type: 'string', jsonPath: '.spec.host', description: 'The name of a service from the service registry' },
  ISTIO_AGE_COLUMN,
];

export function checkDestinationRule(obj: KubeObject): Findings {
  const found = emptyFindings();
  const spec = specOf(obj);
  const host = asString(spec.host) ?? '';
  const hostProblem = validateWildcardDomain(host);
  if (hostProblem) found.errors.push(host === '' ? fieldErr.required('spec.host', hostProblem) : fieldErr.invalid('spec.host', host, hostProblem));
  const policy = asRecord(spec.trafficPolicy);
  if (policy) checkTrafficPolicy('spec.trafficPolicy', policy, found);
  asArray(spec.subsets).forEach((s, i) => {
    const subset = asRecord(s);
    if (!subset) { found.errors.push(fieldErr.required(`spec.subsets[${i}]`, 'subset may not be null')); return; }
    const name = asString(subset.name) ?? '';
    if (name === '') found.errors.push(fieldErr.required(`spec.subsets[${i}].name`, 'subset name cannot be empty'));
    else if (!isDns1123Label(name)) found.errors.push(fieldErr.invalid(`spec.subsets[${i}].name`, name, `subset name is invalid: ${name}`));
    const subsetPolicy = asRecord(subset.trafficPolicy);
    if (subsetPolicy) checkTrafficPolicy(`spec.subsets[${i}].trafficPolicy`, subsetPolicy, found);
  });
  found.errors.push(...validateExportTo('spec.exportTo', spec.exportTo, obj.metadata.namespace, false));
  const selector = asRecord(spec.workloadSelector);
  if (selector) {
    found.errors.push(...validateSelectorLabels('spec.workloadSelector.matchLabels', selector.matchLabels));
    if (Object.keys(asRecord(selector.matchLabels) ?? {}).length === 0) found.warnings.push('workload selector specified without labels');
  }
  found.warnings = uniqueWarnings(found.warnings);
  return found;
}

export function destinationRuleKind(): KindDefinition {
  return istioKind({
    group: NETWORKING_GROUP,
    kind: 'DestinationRule',
    plural: 'destinationrules',
    shortNames: ['dr'],
    schemas: MESH_SCHEMAS.destinationRule,
    storage: 'v1alpha3',
    printerColumns: DESTINATION_RULE_COLUMNS,
    validate: (obj) => checkDestinationRule(obj).errors,
    warnings: (obj) => checkDestinationRule(obj).warnings,
  });
}
