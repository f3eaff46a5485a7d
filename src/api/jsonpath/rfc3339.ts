/**
 * Go's `time.Parse(time.RFC3339, s)` as metav1.Time.UnmarshalQueryParameter uses it:
 * `2006-01-02T15:04:05Z07:00`, an optional fractional second (after `.` or `,`), `Z` or a
 * ±hh:mm offset, and every component range-checked as Go does. Returns epoch milliseconds, or undefined if Go would fail.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([.,]\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
}

export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] !== undefined) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    // time.Parse (unlike Time.UnmarshalJSON) accepts offsets up to 24:00 and minute 60.
    if (oh > 24 || om > 60) return undefined;
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  // Milliseconds from the first three fractional digits (Go truncates, it does not round).
  const millis = m[7] === undefined ? 0 : Number(`${m[7].slice(1)}00`.slice(0, 3));
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, 0);
  return utc.getTime() + millis - offsetMinutes * 60_000;
}
