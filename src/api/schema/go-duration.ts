/**
 * Go's `time.ParseDuration` and `Duration.String()`, which Knative uses for annotations such
 * as `autoscaling.knative.dev/window: 60s` and prints in its bounds messages
 * (`expected 6s <= 5s <= 1h0m0s`), and istiod for duration fields. Durations are nanoseconds held in a bigint so that every
 * value Go accepts (up to ±292 years) is exact.
 */
const UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

export const SECOND = 1_000_000_000n;
export const MINUTE = 60n * SECOND;
export const HOUR = 60n * MINUTE;
const MAX_DURATION = (1n << 63n) - 1n;

/** Nanoseconds, or undefined where Go's ParseDuration returns an error. */
export function parseGoDuration(input: string): bigint | undefined {
  let s = input;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s);
    const whole = m?.[1] ?? '';
    const frac = m?.[2];
    if (whole === '' && (frac === undefined || frac === '')) return undefined;
    s = s.slice(m![0].length);
    const unitMatch = /^[^0-9.]+/.exec(s);
    if (!unitMatch) return undefined; // missing unit
    const unit = UNIT_NS[unitMatch[0]];
    if (unit === undefined) return undefined; // unknown unit
    s = s.slice(unitMatch[0].length);
    let value = BigInt(whole === '' ? '0' : whole) * unit;
    if (frac) {
      // Fractions are scaled like Go does: truncated towards zero at nanosecond precision.
      const scale = 10n ** BigInt(frac.length);
      value += (BigInt(frac) * unit) / scale;
    }
    total += value;
    if (total > MAX_DURATION + (negative ? 1n : 0n)) return undefined; // overflow
  }
  return negative ? -total : total;
}

/** Go's `Duration.String()`: `0s`, `1.5s`, `2m0s`, `1h0m0s`, `300ms`, `-6s`. */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const negative = ns < 0n;
  const u = negative ? -ns : ns;
  let out: string;
  if (u < SECOND) {
    const [unit, size] = u < 1_000n ? ['ns', 1n] : u < 1_000_000n ? ['µs', 1_000n] : ['ms', 1_000_000n];
    out = `${fraction(u, size)}${unit}`;
  } else {
    const hours = u / HOUR;
    const minutes = (u % HOUR) / MINUTE;
    const seconds = fraction(u % MINUTE, SECOND);
    out = hours > 0n ? `${hours}h${minutes}m${seconds}s` : minutes > 0n ? `${minutes}m${seconds}s` : `${seconds}s`;
  }
  return negative ? `-${out}` : out;
}

/** `value/size` with the remainder as trailing decimals, trailing zeros dropped. */
function fraction(value: bigint, size: bigint): string {
  const whole = value / size;
  const rest = value % size;
  if (rest === 0n) return String(whole);
  const digits = String(size).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}
