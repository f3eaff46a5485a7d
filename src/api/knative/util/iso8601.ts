/**
 * ISO-8601 durations (`PT0.2S`, `PT168H`, `P1D`) as Knative eventing reads them for
 * `delivery.backoffDelay`, `delivery.timeout` and KafkaChannel `retentionDuration`
 * (github.com/rickb777/date/period). Years and months convert with the period package's
 * approximations (365.2425 and 30.436875 days).
 */
const PATTERN =
  /^([-+])?P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

const MS_PER = [365.2425 * 86_400_000, 30.436875 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000] as const;

export interface IsoDuration {
  /** Signed length in milliseconds. */
  milliseconds: number;
  negative: boolean;
  isZero: boolean;
}

/** The duration, or undefined where the period package reports a parse error. */
export function parseIsoDuration(text: string): IsoDuration | undefined {
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  const parts = m.slice(2, 9);
  if (parts.every((p) => p === undefined)) return undefined; // "P" or "PT" alone
  if (text.includes('T') && parts.slice(4).every((p) => p === undefined)) return undefined; // "P1DT"
  let ms = 0;
  parts.forEach((p, i) => {
    if (p !== undefined) ms += Number(p.replace(',', '.')) * MS_PER[i]!;
  });
  const negative = m[1] === '-' && ms !== 0;
  return { milliseconds: negative ? -ms : ms, negative, isZero: ms === 0 };
}
