/**
 * The details Knative prints under "Immutable fields changed (-old +new)": knative.dev/pkg
 * `kmp.ShortDiff`, a zero-context diff with one entry per changed leaf,
 *
 *   {v1.RevisionSpec}.PodSpec.Containers[0].Image:
 *   	-: "gcr.io/a"
 *   	+: "gcr.io/b"
 *
 * Go prints struct field names; they are derived here from the JSON names (first letter upper
 * case, common initialisms upper case), and `inline` JSON prefixes (RevisionSpec's PodSpec)
 * can be named by the caller. Close to go-cmp's report, not byte-identical for every type.
 */
import { isObject, pruneEmpty } from './json.ts';

const INITIALISMS: Readonly<Record<string, string>> = {
  url: 'URL', uri: 'URI', uid: 'UID', id: 'ID', ip: 'IP', dns: 'DNS', http: 'HTTP', tcp: 'TCP', api: 'API', tls: 'TLS', cpu: 'CPU',
};

function goFieldName(jsonName: string): string {
  const words = jsonName.split(/(?=[A-Z])/);
  return words.map((w) => INITIALISMS[w.toLowerCase()] ?? (w.charAt(0).toUpperCase() + w.slice(1))).join('');
}

function render(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export interface ShortDiffOptions {
  /** Go type of the compared values, e.g. `v1.RevisionSpec`. */
  rootType: string;
  /** Top-level JSON fields that live in an inlined Go struct, e.g. containers → `PodSpec`. */
  inlined?: (topLevelField: string) => string | undefined;
}

export function shortDiff(oldValue: unknown, newValue: unknown, opts: ShortDiffOptions): string {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string, depth: number): void => {
    if (isObject(a) && isObject(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
      for (const k of keys) {
        const inline = depth === 0 ? opts.inlined?.(k) : undefined;
        walk(a[k], b[k], `${path}${inline ? `.${inline}` : ''}.${goFieldName(k)}`, depth + 1);
      }
      return;
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((x, i) => walk(x, b[i], `${path}[${i}]`, depth + 1));
      return;
    }
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    let entry = `${path}:\n`;
    if (a !== undefined) entry += `\t-: "${render(a)}"\n`;
    if (b !== undefined) entry += `\t+: "${render(b)}"\n`;
    out.push(entry);
  };
  walk(pruneEmpty(oldValue), pruneEmpty(newValue), `{${opts.rootType}}`, 0);
  return out.join('');
}
