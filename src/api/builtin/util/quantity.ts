/**
 * resource.Quantity parsing, enough to compare and sign-check quantities the way pod
 * validation does (`cpu: 500m`, `memory: 1Gi`, `cpu: 0.5`). Values become plain numbers in
 * base units; the comparisons validation needs are well within double precision.
 */

export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const SUFFIX: Record<string, number> = {
  '': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The numeric value of a quantity (string or JSON number), or undefined if it does not parse. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(value.trim());
  if (!m) return undefined;
  const [, numberText, suffix] = m as unknown as [string, string, string];
  if (!/^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/.test(numberText)) return undefined;
  const n = Number(numberText);
  if (suffix in SUFFIX) return n * SUFFIX[suffix]!;
  const exp = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
  return exp ? n * 10 ** Number(exp[1]) : undefined;
}

/** How a quantity prints in messages: strings as written, numbers as Go's %v. */
export function quantityText(value: unknown): string {
  return typeof value === 'number' ? String(value) : String(value ?? '');
}
