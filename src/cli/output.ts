/**
 * How commands print: data as text, JSON or YAML on stdout; errors as
 * `error: <message> [<code>]` plus the catalog's hint on stderr (and, under -o json|yaml,
 * also as a structured object on stdout so scripts always have something to parse).
 */
import { stringify } from 'yaml';
import { SkiffError } from '../errors/skiff-error.ts';
import type { CliContext } from './context.ts';
import type { OutputFormat } from './options.ts';

export function printData(ctx: CliContext, format: OutputFormat, data: unknown, renderText: () => string): void {
  if (format === 'json') ctx.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  else if (format === 'yaml') ctx.stdout.write(stringify(data));
  else ctx.stdout.write(renderText());
}

export function printError(ctx: CliContext, error: SkiffError, format: OutputFormat = 'text'): void {
  ctx.stderr.write(`error: ${error.message} [${error.code}]\nhint: ${error.hint}\n`);
  const structured = { error: { code: error.code, message: error.message, hint: error.hint } };
  if (format === 'json') ctx.stdout.write(`${JSON.stringify(structured, null, 2)}\n`);
  else if (format === 'yaml') ctx.stdout.write(stringify(structured));
}

/** Anything that is not already a SkiffError is a bug in skiff; say so with its message. */
export function asSkiffError(error: unknown): SkiffError {
  if (error instanceof SkiffError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SkiffError('SKF_API_INTERNAL', `unexpected failure: ${message}`, { cause: error });
}

/** Left-aligned columns separated by at least two spaces, as kubectl prints tables. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]! + 2))).join('').trimEnd())
    .map((line) => `${line}\n`)
    .join('');
}
