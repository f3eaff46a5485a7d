/**
 * The seed documents (../shared/seeds beside the repository) as a reader uses them: the YAML
 * examples and the `$ …` commands, in document order. The documents are HTML rendered to
 * text, so an example carries callout numbers (`mtls: true 1`, `members: 1` before the
 * children, or — in the Chinese rendering — a number alone on the line after the value); a
 * reader copying the YAML leaves those out, and so does this. Everything else stays verbatim,
 * including `...` excerpt markers and comments. Seed 003 renders every example on one line;
 * those come back as `flattened` blocks for seeds-reflow.ts.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** Where the seeds live: `$SKIFF_SEEDS_DIR`, else `../shared/seeds` next to the repository root. */
export function seedsDir(): string {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const dir = process.env.SKIFF_SEEDS_DIR ?? join(repoRoot, '..', 'shared', 'seeds');
  if (!existsSync(dir)) {
    throw new Error(`seed documents not found at ${dir}: the suites expect the shared folder beside the clone (../shared/seeds from ${repoRoot}) or SKIFF_SEEDS_DIR`);
  }
  return dir;
}

/** The text of the seed whose file name starts with `prefix` (e.g. `002`). */
export function readSeed(prefix: string): string {
  const dir = seedsDir();
  const file = readdirSync(dir).find((f) => f.startsWith(`${prefix}_`) && f.endsWith('.txt'));
  if (!file) throw new Error(`no seed ${prefix}_*.txt in ${dir}`);
  return readFileSync(join(dir, file), 'utf8');
}

export interface SeedYaml {
  type: 'yaml';
  /** 1-based line of the block's first line. */
  line: number;
  /** The YAML as a reader copies it: de-indented, callouts removed, placeholders left in. */
  text: string;
  /** `object`: every document names its kind; `status`: an example `status:` output; else a `fragment`. */
  shape: 'object' | 'status' | 'fragment';
  /** The block has `...` lines: the document shows only part of an object. */
  excerpt: boolean;
  /** Seed 003: the whole example on one line, indentation lost (see seeds-reflow.ts). */
  flattened: boolean;
  /** The `*.yaml` file name the caption above the block gives it, if any. */
  file?: string;
}

export interface SeedCommand {
  type: 'command';
  line: number;
  /** The command after `$ `, continuation lines kept (`\` + newline). */
  text: string;
  /** Its first word: `oc`, `openssl`, `curl`. */
  program: string;
}

export type SeedStep = SeedYaml | SeedCommand;

/** The fill-ins for the placeholders of seeds 000–003 (the values their own callouts suggest). */
export const SERVERLESS_PLACEHOLDERS: Readonly<Record<string, string>> = {
  '<wildcard_certs>': 'wildcard-certs',
  '<your-istio-namespace>': 'istio-system',
  '<bootstrap_servers_without_port>': 'my-cluster-kafka-bootstrap.kafka',
  '<bootstrap_servers>': 'my-cluster-kafka-bootstrap.kafka:9092',
  '<num_partitions>': '10',
  '<replication_factor>': '3',
  '<service_name>': 'hello',
  '<namespace>': 'default',
  '<image_url>': 'gcr.io/knative-samples/helloworld-go',
  'your-OpenShift-projects': 'default',
};

/** Replaces every placeholder of `table` in `text` (longest first, so no placeholder eats another). */
export function fillPlaceholders(text: string, table: Readonly<Record<string, string>>): string {
  let out = text;
  for (const key of Object.keys(table).sort((a, b) => b.length - a.length)) out = out.split(key).join(table[key]!);
  return out;
}

/** The `<…>` placeholders left in `text`. */
export function placeholdersIn(text: string): string[] {
  return [...new Set(text.match(/<[A-Za-z][\w .-]*>/g) ?? [])];
}

const KEY = String.raw`(?:"[^"]*"|'[^']*'|[A-Za-z0-9_.\/<>-]+)`;
/** A line a YAML example can hold: a key, a list item, a comment, or a document marker. */
const YAML_LINE = new RegExp(String.raw`^\s*(?:- |-$|---\s*$|\.\.\.\s*$|#|${KEY}:(?:\s|$))`);
/** A line that can open an example: a mapping key (or `...` before one). */
const OPENING_LINE = new RegExp(String.raw`^\s*${KEY}:(?:\s|$)`);
const CALLOUT_LINE = /^\s*\d+(?:\s+\d+)*\s*$/;
/** Two `key: ` pairs on one line: an example flattened onto one line (seed 003, a table cell). */
const TWO_KEYS = new RegExp(String.raw`(?:^|\s)${KEY}:\s(?:.*\s)?${KEY}:(?:\s|$)`);
const COMMAND = /\$ ([a-z][\w.-]*)((?:\s.*)?)$/;
/** Where a flattened example starts inside a prose line (seed 003 glues them to the prose). */
const FLATTENED_START = new RegExp(String.raw`apiVersion: \S|\.\.\. ${KEY}: \S`);

const indentOf = (line: string): number => line.length - line.trimStart().length;
const withoutComment = (line: string): string => line.replace(/\s#.*$/, '');

/** Every YAML example and `$` command of a seed document, in order. */
export function extractSteps(seedText: string): SeedStep[] {
  const lines = seedText.split('\n');
  const steps: SeedStep[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const flat = flattenedExample(line);
    if (flat) {
      steps.push(yamlStep(i + 1, [flat], true, lines, i));
      const command = COMMAND.exec(line);
      if (command) steps.push(commandStep(i + 1, command, []));
      continue;
    }
    const command = COMMAND.exec(line);
    if (command) {
      const continued: string[] = [];
      let last = line;
      while (/\\\s*$/.test(last) && i + 1 < lines.length) continued.push((last = lines[++i]!));
      steps.push(commandStep(i + 1 - continued.length, command, continued));
      continue;
    }
    if (!opensBlock(lines, i)) continue;
    const end = blockEnd(lines, i);
    steps.push(yamlStep(i + 1, lines.slice(i, end), false, lines, i));
    i = end - 1;
  }
  return steps;
}

function opensBlock(lines: readonly string[], i: number): boolean {
  const line = lines[i]!;
  if (/^\s*\.\.\.\s*$/.test(line)) {
    const next = lines[i + 1];
    return next !== undefined && indentOf(next) === indentOf(line) && OPENING_LINE.test(next);
  }
  return OPENING_LINE.test(line) && !TWO_KEYS.test(withoutComment(line));
}

/** The first line after the block that starts at `start`. */
function blockEnd(lines: readonly string[], start: number): number {
  const base = indentOf(lines[start]!);
  const continues = (line: string | undefined) => line !== undefined && line.trim() !== '' && indentOf(line) >= base && YAML_LINE.test(line) && !TWO_KEYS.test(withoutComment(line));
  let i = start + 1;
  while (i < lines.length) {
    const line = lines[i]!;
    if (continues(line)) { i++; continue; }
    // A callout number alone on its line, or a blank line, inside the example: keep going
    // if the example resumes after it.
    if (line.trim() === '' || CALLOUT_LINE.test(line)) {
      let next = i + 1;
      while (next < lines.length && (lines[next]!.trim() === '' || CALLOUT_LINE.test(lines[next]!))) next++;
      if (continues(lines[next])) { i = next; continue; }
    }
    break;
  }
  return i;
}

function yamlStep(line: number, raw: readonly string[], flattened: boolean, all: readonly string[], at: number): SeedYaml {
  const body = flattened ? raw.map((l) => l.trim()) : readerCopy(raw);
  const text = body.join('\n');
  const file = captionFile(all, at, flattened ? raw[0]! : undefined);
  const excerpt = flattened ? /(^|\s)\.\.\.(\s|$)/.test(text) : body.some((l) => /^\s*\.\.\.\s*$/.test(l));
  return { type: 'yaml', line, text, shape: flattened ? flattenedShape(text) : shapeOf(text), excerpt, flattened, ...(file ? { file } : {}) };
}

function commandStep(line: number, match: RegExpExecArray, continued: readonly string[]): SeedCommand {
  let text = `${match[1]!}${match[2]!}`.trimEnd();
  // Seed 003 lost the line breaks of continued commands: ` \ ` there was `\` + newline.
  text = text.replace(/ \\ (?=-)/g, ' \\\n    ');
  for (const next of continued) text += `\n${next.trimEnd()}`;
  return { type: 'command', line, text, program: match[1]! };
}

/**
 * The block's lines as a reader copies them: callout-only lines gone (with the blank line the
 * rendering puts after them), callouts after values and keys gone, the common indent removed.
 */
export function readerCopy(raw: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i]!;
    if (CALLOUT_LINE.test(line)) {
      if (raw[i + 1] !== undefined && raw[i + 1]!.trim() === '') i++;
      continue;
    }
    kept.push(line);
  }
  const base = Math.min(...kept.filter((l) => l.trim() !== '').map(indentOf));
  return stripCallouts(kept).map((l) => l.slice(Math.min(base, indentOf(l))).trimEnd());
}

/** `key: value 1` → `key: value`; `- item 1` → `- item`; `key: 1` before the key's children → `key:`. */
export function stripCallouts(lines: readonly string[]): string[] {
  return lines.map((line, i) => {
    const trailing = /^(.*\S)\s+\d+(?:\s+\d+)*\s*$/.exec(line);
    if (!trailing) return line;
    const head = trailing[1]!;
    if (head.trimStart().startsWith('#') || /\s#/.test(head)) return line;
    if (/:\s+\S/.test(head)) return head;
    if (/^\s*- [^:]+$/.test(head)) return head;
    if (!head.endsWith(':')) return line;
    // `number: 443` is a value; `ports: 2` followed by the key's children is a callout.
    const next = lines.slice(i + 1).find((l) => l.trim() !== '');
    const keyColumn = indentOf(line) + (line.trimStart().startsWith('- ') ? 2 : 0);
    const childFollows = next !== undefined && (indentOf(next) > keyColumn || (indentOf(next) === keyColumn && next.trimStart().startsWith('- ')));
    return childFollows ? head : line;
  });
}

function shapeOf(text: string): SeedYaml['shape'] {
  const docs = parseAllDocuments(text).map((d) => d.toJS() as unknown).filter((d) => d !== null && d !== undefined);
  if (docs.length > 0 && docs.every((d) => typeof d === 'object' && typeof (d as Record<string, unknown>).kind === 'string')) return 'object';
  const first = docs[0];
  if (docs.length === 1 && typeof first === 'object' && Object.keys(first as object)[0] === 'status') return 'status';
  return 'fragment';
}

function flattenedShape(text: string): SeedYaml['shape'] {
  return /(?:^|\s)kind: \S/.test(text) ? 'object' : 'fragment';
}

/** Seed 003: the example glued to the end of a prose line, or undefined. */
function flattenedExample(line: string): string | undefined {
  const at = FLATTENED_START.exec(line);
  if (!at) return undefined;
  const rest = line.slice(at.index);
  if (!TWO_KEYS.test(rest)) return undefined;
  // A command glued after the example on the same line is not part of it.
  const command = rest.search(/\$ [a-z]/);
  return (command < 0 ? rest : rest.slice(0, command)).trim();
}

/** The `*.yaml` name in the caption just above the block (or in the prose before a flattened one). */
function captionFile(lines: readonly string[], at: number, sameLine?: string): string | undefined {
  if (sameLine !== undefined) {
    const prose = lines[at]!.slice(0, lines[at]!.indexOf(sameLine));
    return /([\w.-]+\.yaml)\b/.exec(prose)?.[1];
  }
  for (let i = at - 1; i >= 0 && i >= at - 3; i--) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    if (YAML_LINE.test(line) || COMMAND.test(line)) return undefined;
    return /([\w.-]+\.yaml)\b/.exec(line)?.[1];
  }
  return undefined;
}
