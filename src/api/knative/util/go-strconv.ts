/**
 * Go's strconv number parsing as Knative's annotation checks use it: which strings parse, and
 * whether an integer is out of range (Go reports that differently from a syntax error).
 */
export type IntParse = { ok: true; value: number } | { ok: false; range: boolean };

/** strconv.ParseInt(s, 10, bits). */
export function parseGoInt(s: string, bits: 32 | 64 = 64): IntParse {
  if (!/^[+-]?\d+$/.test(s)) return { ok: false, range: false };
  const v = BigInt(s);
  const max = (1n << BigInt(bits - 1)) - 1n;
  if (v > max || v < -max - 1n) return { ok: false, range: true };
  return { ok: true, value: Number(v) };
}

/** strconv.ParseFloat(s, 64): decimal or hex floats, inf/infinity/nan; undefined on error. */
export function parseGoFloat(s: string): number | undefined {
  const special = /^([+-])?(inf|infinity|nan)$/i.exec(s);
  if (special) {
    if (special[2]!.toLowerCase() === 'nan') return special[1] ? undefined : NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  const digits = '\\d+(?:_\\d+)*';
  if (new RegExp(`^[+-]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:[eE][+-]?\\d+)?$`).test(s)) {
    return Number(s.replace(/_/g, ''));
  }
  if (/^[+-]?0[xX][0-9a-fA-F]*\.?[0-9a-fA-F]*[pP][+-]?\d+$/.test(s)) return parseHexFloat(s);
  return undefined;
}

function parseHexFloat(s: string): number | undefined {
  const m = /^([+-])?0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(s);
  if (!m || (m[2] === '' && m[3] === '')) return undefined;
  const mantissa = parseInt(`${m[2]}${m[3]}` || '0', 16) / 16 ** m[3]!.length;
  const v = mantissa * 2 ** Number(m[4]);
  return m[1] === '-' ? -v : v;
}

/** Go's %g / %v of a float64 for the small, plain values Knative prints (0.01, 100, 1e+21). */
export function goFloat(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
  const s = String(v);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}
