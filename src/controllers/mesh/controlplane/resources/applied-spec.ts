/**
 * The effective spec of a control plane (`status.appliedSpec`): its profiles applied in
 * order (each profile's own profiles first), then the user's spec over them. Maps merge;
 * lists and scalars of a later layer replace earlier ones (Helm's value coalescing, which
 * Maistra's profile merge follows). `profiles` and `version` stay what the user's spec says
 * (the admission webhook defaulted them to ["default"] and the newest version).
 */
import { type Fields, asRecord } from '../../../../api/mesh/fields.ts';
import { KNOWN_PROFILES, profileNamed } from './profiles.ts';
import { SMCP_DEFAULT_VERSION } from '../../../../api/mesh/maistra/control-plane.ts';

export function deepMerge(base: Fields, over: Fields): Fields {
  const out: Fields = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const a = asRecord(out[key]);
    const b = asRecord(value);
    out[key] = a && b ? deepMerge(a, b) : structuredClone(value);
  }
  return out;
}

export type AppliedSpecResult = { ok: true; appliedSpec: Fields } | { ok: false; message: string };

export function appliedSpecOf(spec: Fields): AppliedSpecResult {
  const version = typeof spec.version === 'string' ? spec.version : SMCP_DEFAULT_VERSION;
  const profiles = Array.isArray(spec.profiles) && spec.profiles.length > 0 ? spec.profiles.filter((p): p is string => typeof p === 'string') : ['default'];
  let merged: Fields = {};
  const apply = (name: string, seen: readonly string[]): string | undefined => {
    if (seen.includes(name)) return `profile "${name}" includes itself through ${[...seen, name].join(' -> ')}`;
    const profile = profileNamed(name, version);
    if (!profile) return `unknown profile "${name}": the profiles are ${KNOWN_PROFILES.join(', ')}`;
    const { profiles: inner, ...content } = profile;
    for (const p of inner ?? []) {
      const err = apply(p, [...seen, name]);
      if (err) return err;
    }
    merged = deepMerge(merged, content);
    return undefined;
  };
  for (const name of profiles) {
    const err = apply(name, []);
    if (err) return { ok: false, message: err };
  }
  const appliedSpec = deepMerge(merged, spec);
  appliedSpec.profiles = profiles;
  appliedSpec.version = version;
  return { ok: true, appliedSpec };
}
