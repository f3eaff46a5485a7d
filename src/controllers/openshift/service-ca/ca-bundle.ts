/**
 * CA bundle injection into ConfigMaps annotated `service.beta.openshift.io/inject-cabundle:
 * "true"` (or the alpha spelling; the value compares case-insensitively, as upstream).
 * The injected `data` is the bundle alone: upstream replaces every other data key, so a
 * ConfigMap asked to carry the bundle carries nothing else there.
 */
import { ALPHA_INJECT_CABUNDLE, CABUNDLE_KEY, DESCRIPTION, INJECT_CABUNDLE, OWNING_COMPONENT, OWNING_COMPONENT_VALUE } from './annotations.ts';
import type { ConfigMap } from './secret-data.ts';

export function wantsCaBundle(configMap: ConfigMap): boolean {
  const a = configMap.metadata.annotations ?? {};
  return [INJECT_CABUNDLE, ALPHA_INJECT_CABUNDLE].some((key) => a[key]?.toLowerCase() === 'true');
}

/** The ConfigMap as it should be, or undefined when it needs no write. */
export function injectedConfigMap(configMap: ConfigMap, bundlePem: string): ConfigMap | undefined {
  if (!wantsCaBundle(configMap)) return undefined;
  const data = configMap.data ?? {};
  if (data[CABUNDLE_KEY] === bundlePem && Object.keys(data).length === 1) return undefined;
  const annotations = { ...configMap.metadata.annotations };
  // Claim ownership unless another component already has.
  if (!annotations[OWNING_COMPONENT]) {
    annotations[OWNING_COMPONENT] = OWNING_COMPONENT_VALUE;
    annotations[DESCRIPTION] = 'Configmap is added/updated with a data item containing the CA signing bundle that can be used to verify service-serving certificates';
  }
  return { ...configMap, metadata: { ...configMap.metadata, annotations }, data: { [CABUNDLE_KEY]: bundlePem } };
}
