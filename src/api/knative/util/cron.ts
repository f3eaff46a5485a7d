/**
 * Cron schedules as PingSource reads them (github.com/robfig/cron/v3 with an optional seconds
 * field and descriptors such as `@hourly`), with that parser's error texts, which the webhook
 * prints (`invalid value: expected 5 to 6 fields, found 3: [* * *]: spec.schedule`).
 * `parseCron` also returns the schedule as bit sets, so the ping adapter can run it later.
 */
import { parseGoDuration } from '../../schema/go-duration.ts';

interface Bounds { min: number; max: number; names?: Readonly<Record<string, number>> }

const SECONDS: Bounds = { min: 0, max: 59 };
const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } };
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** One set of allowed values per field; `star` records a `*`/`?` (day-of-month/week matching). */
export interface CronField { values: ReadonlySet<number>; star: boolean }

export interface CronSchedule {
  second: CronField;
  minute: CronField;
  hour: CronField;
  dayOfMonth: CronField;
  month: CronField;
  dayOfWeek: CronField;
  /** IANA zone from a `CRON_TZ=`/`TZ=` prefix; undefined means the process's local zone. */
  timeZone?: string;
  /** `@every <duration>`: a fixed interval in nanoseconds instead of the fields. */
  interval?: bigint;
}

export type CronResult = { ok: true; schedule: CronSchedule } | { ok: false; error: string };

class CronError extends Error {}

function range(min: number, max: number, step: number): Set<number> {
  const out = new Set<number>();
  for (let i = min; i <= max; i += step) out.add(i);
  return out;
}

function all(b: Bounds): CronField {
  return { values: range(b.min, b.max, 1), star: true };
}

function only(v: number): CronField {
  return { values: new Set([v]), star: false };
}

/** Go's strconv.Atoi error text, which robfig/cron embeds. */
function mustParseInt(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) throw new CronError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const n = Number(expr);
  if (n < 0) throw new CronError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, names?: Readonly<Record<string, number>>): number {
  const named = names?.[expr.toLowerCase()];
  return named ?? mustParseInt(expr);
}

function getRange(expr: string, b: Bounds): CronField {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0]!, b.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, b.names);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]!);
    if (singleDigit) end = b.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new CronError(`too many slashes: ${expr}`);
  }
  if (start < b.min) throw new CronError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
  return { values: range(start, end, step), star };
}

function getField(field: string, b: Bounds): CronField {
  const values = new Set<number>();
  let star = false;
  for (const expr of field.split(',').filter((e) => e !== '')) {
    const r = getRange(expr, b);
    for (const v of r.values) values.add(v);
    star ||= r.star;
  }
  return { values, star };
}

function descriptor(spec: string): Omit<CronSchedule, 'timeZone'> {
  const midnight = { second: only(0), minute: only(0), hour: only(0) };
  switch (spec) {
    case '@yearly': case '@annually': return { ...midnight, dayOfMonth: only(1), month: only(1), dayOfWeek: all(DOW) };
    case '@monthly': return { ...midnight, dayOfMonth: only(1), month: all(MONTHS), dayOfWeek: all(DOW) };
    case '@weekly': return { ...midnight, dayOfMonth: all(DOM), month: all(MONTHS), dayOfWeek: only(0) };
    case '@daily': case '@midnight': return { ...midnight, dayOfMonth: all(DOM), month: all(MONTHS), dayOfWeek: all(DOW) };
    case '@hourly': return { second: only(0), minute: only(0), hour: all(HOURS), dayOfMonth: all(DOM), month: all(MONTHS), dayOfWeek: all(DOW) };
  }
  // `@every <duration>` parses here; PingSource rejects it separately.
  if (spec.startsWith('@every ')) {
    const text = spec.slice('@every '.length);
    const interval = parseGoDuration(text);
    if (interval === undefined) throw new CronError(`failed to parse duration ${spec}: time: invalid duration ${JSON.stringify(text)}`);
    return { second: all(SECONDS), minute: all(MINUTES), hour: all(HOURS), dayOfMonth: all(DOM), month: all(MONTHS), dayOfWeek: all(DOW), interval };
  }
  throw new CronError(`unrecognized descriptor: ${spec}`);
}

function validTimeZone(zone: string): boolean {
  if (zone === '' || zone === 'UTC' || zone === 'Local') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Parses with SecondOptional | Minute | Hour | Dom | Month | Dow | Descriptor. */
export function parseCron(input: string): CronResult {
  try {
    if (input.length === 0) throw new CronError('empty spec string');
    let spec = input;
    let timeZone: string | undefined;
    if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
      const space = spec.indexOf(' ');
      const zone = spec.slice(spec.indexOf('=') + 1, space < 0 ? undefined : space);
      if (!validTimeZone(zone)) throw new CronError(`provided bad location ${zone}: unknown time zone ${zone}`);
      timeZone = zone === '' ? 'UTC' : zone;
      spec = space < 0 ? '' : spec.slice(space).trim();
    }
    if (spec.startsWith('@')) return { ok: true, schedule: { ...descriptor(spec), ...(timeZone ? { timeZone } : {}) } };
    let fields = spec.split(/\s+/).filter((f) => f !== '');
    if (fields.length < 5 || fields.length > 6) {
      throw new CronError(`expected 5 to 6 fields, found ${fields.length}: [${fields.join(' ')}]`);
    }
    if (fields.length === 5) fields = ['0', ...fields];
    const schedule: CronSchedule = {
      second: getField(fields[0]!, SECONDS),
      minute: getField(fields[1]!, MINUTES),
      hour: getField(fields[2]!, HOURS),
      dayOfMonth: getField(fields[3]!, DOM),
      month: getField(fields[4]!, MONTHS),
      dayOfWeek: getField(fields[5]!, DOW),
      ...(timeZone ? { timeZone } : {}),
    };
    return { ok: true, schedule };
  } catch (e) {
    if (e instanceof CronError) return { ok: false, error: e.message };
    throw e;
  }
}
