/**
 * Istio's StringMatch (exact / prefix / regex) compiled once and applied per request. Regexes
 * are RE2 in Istio and must match the whole value (Envoy's safe_regex full match); JS
 * RegExp covers the RE2 syntax people use in VirtualServices, anchored here the same way.
 */
import type { StringMatch } from './istio-specs.ts';
import type { CompiledStringMatch } from './model.ts';

/** A compiled match, or an error message (a bad regex), or undefined for an empty match. */
export function compileStringMatch(match: StringMatch | undefined, ignoreCase = false): CompiledStringMatch | string | undefined {
  if (!match) return undefined;
  if (match.exact !== undefined) return { kind: 'exact', value: match.exact, ...(ignoreCase ? { ignoreCase } : {}) };
  if (match.prefix !== undefined) return { kind: 'prefix', value: match.prefix, ...(ignoreCase ? { ignoreCase } : {}) };
  if (match.regex !== undefined) {
    try {
      return { kind: 'regex', value: match.regex, regex: new RegExp(`^(?:${match.regex})$`, ignoreCase ? 'i' : '') };
    } catch (err) {
      return `invalid regex ${JSON.stringify(match.regex)}: ${(err as Error).message}`;
    }
  }
  return undefined;
}

/** Whether a value (undefined: absent) satisfies the match. `present` only asks for presence. */
export function matchesString(match: CompiledStringMatch, value: string | undefined): boolean {
  if (value === undefined) return false;
  switch (match.kind) {
    case 'present': return true;
    case 'exact': return match.ignoreCase ? value.toLowerCase() === match.value.toLowerCase() : value === match.value;
    case 'prefix': return match.ignoreCase ? value.toLowerCase().startsWith(match.value.toLowerCase()) : value.startsWith(match.value);
    case 'regex': return match.regex.test(value);
  }
}
