/**
 * Follows a seed document from top to bottom the way a reader does: each YAML example is
 * saved to the file the document names (its caption, or the `-f` of the command that applies
 * it), each `$` command runs verbatim in a SeedShell, and an example the prose says to create
 * without showing a command is applied with `kubectl apply -f` where it stands (commands between
 * an example and its own `oc apply`, like seed 002's `oc label`, run in between). What the walk
 * cannot take verbatim is decided by the caller, per step, with a reason: commands that are not
 * run, and excerpts that are completed into the object they are part of. The result is a
 * transcript the tests compare with what a real cluster prints.
 */
import { basename } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import type { SeedShell } from './seeds-shell.ts';
import { fillPlaceholders, type SeedCommand, type SeedStep, type SeedYaml } from './seeds.ts';

export interface WalkEntry {
  line: number;
  /** `run`: a document command; `apply`: an example applied without a command in the text;
   *  `complete`: an excerpt applied as the whole object; `prepare`: a step the caller added;
   *  `skip`: not run (see `reason`). */
  action: 'run' | 'apply' | 'complete' | 'prepare' | 'skip';
  command: string;
  code: number;
  stdout: string;
  stderr: string;
  reason?: string;
}

export interface ObjectRef {
  kind: string;
  namespace: string;
  name: string;
}

export interface WalkOptions {
  placeholders: Readonly<Record<string, string>>;
  /** Rewrites a step's YAML before use (seed 003: rebuild the flattened examples). */
  yamlOf?: (step: SeedYaml) => string;
  /** Why a command is not run, or undefined to run it. */
  skip?: (command: SeedCommand) => string | undefined;
  /** Shell commands to run before a document command (recorded as `prepare`). */
  prepare?: (command: SeedCommand) => readonly string[];
  /** Environment for a command (e.g. KUBE_EDITOR for `oc edit`). */
  envFor?: (command: SeedCommand) => Readonly<Record<string, string>> | undefined;
  /** Objects applied before the walk (YAML), which excerpts may complete. */
  alreadyApplied?: readonly string[];
  /** For an excerpt or fragment (`yaml`: its text as used): the object it belongs to, where it sits in it, and why. */
  excerptOf?: (step: SeedYaml, yaml: string) => { target: ObjectRef; at: readonly string[]; why: string } | undefined;
}

type Doc = Record<string, unknown>;

const refKey = (r: ObjectRef) => `${r.kind} ${r.namespace}/${r.name}`;

/** A document of the example as the API server will see it (namespace from the command or `default`). */
function refOf(doc: Doc, namespace: string): ObjectRef | undefined {
  const meta = doc.metadata as { name?: unknown; namespace?: unknown } | undefined;
  if (typeof doc.kind !== 'string' || typeof meta?.name !== 'string') return undefined;
  return { kind: doc.kind, name: meta.name, namespace: typeof meta.namespace === 'string' ? meta.namespace : namespace };
}

/**
 * `base` with `part` laid over it: maps merge key by key, a list of scalars keeps the base's
 * items and adds the part's new ones (an excerpt shows what the object must include), and any
 * other value is replaced.
 */
export function overlay(base: unknown, part: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(part) && [...base, ...part].every((v) => v === null || typeof v !== 'object')) {
    return [...base, ...part.filter((v) => !base.includes(v))];
  }
  if (base && part && typeof base === 'object' && typeof part === 'object' && !Array.isArray(base) && !Array.isArray(part)) {
    const out: Doc = { ...(base as Doc) };
    for (const [k, v] of Object.entries(part)) out[k] = k in out ? overlay(out[k], v) : v;
    return out;
  }
  return part;
}

function setAt(doc: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return overlay(doc, value);
  const [head, ...rest] = path;
  const map = (doc ?? {}) as Doc;
  return { ...map, [head!]: setAt(map[head!], rest, value) };
}

const APPLY_OR_CREATE = /^oc\s+(?:(?:-n|--namespace)\s+\S+\s+)?(apply|create)\b(.*)$/s;

export async function walkSeed(steps: readonly SeedStep[], shell: SeedShell, opts: WalkOptions): Promise<WalkEntry[]> {
  const transcript: WalkEntry[] = [];
  const applied = new Map<string, Doc>();
  let pending: { step: SeedYaml; text: string } | undefined;
  let generated = 0;

  const record = async (line: number, action: WalkEntry['action'], command: string, extra: { env?: Readonly<Record<string, string>>; reason?: string } = {}) => {
    const r = await shell.run(command, extra.env);
    transcript.push({ line, action, command, ...r, ...(extra.reason ? { reason: extra.reason } : {}) });
  };
  const skip = (line: number, command: string, reason: string) => transcript.push({ line, action: 'skip', command, code: 0, stdout: '', stderr: '', reason });
  const remember = (text: string, namespace = 'default') => {
    for (const d of parseAllDocuments(text)) {
      const doc = d.toJS() as Doc | null;
      const ref = doc && refOf(doc, namespace);
      if (ref) applied.set(refKey(ref), doc);
    }
  };
  for (const text of opts.alreadyApplied ?? []) remember(text);
  const fileFor = (step: SeedYaml, named?: string) => step.file ?? named ?? `example-${step.line}-${++generated}.yaml`;
  /** The command after step `k` (before the next example) that applies the example, if any. */
  const consumerOf = (k: number) => {
    for (const next of steps.slice(k + 1)) {
      if (next.type === 'yaml') return undefined;
      if (!opts.skip?.(next) && APPLY_OR_CREATE.test(fillPlaceholders(next.text, opts.placeholders))) return next;
    }
    return undefined;
  };

  for (const [k, step] of steps.entries()) {
    if (step.type === 'yaml') {
      const text = fillPlaceholders(opts.yamlOf?.(step) ?? step.text, opts.placeholders);
      const completion = opts.excerptOf?.(step, text);
      if (completion) {
        const base = applied.get(refKey(completion.target));
        if (!base) throw new Error(`line ${step.line}: the excerpt's object ${refKey(completion.target)} was not applied before it`);
        const part = parseAllDocuments(text.replace(/^\.\.\.$/gm, '')).map((d) => d.toJS() as unknown).find((d) => d !== null && d !== undefined);
        const whole = setAt(base, completion.at, part) as Doc;
        applied.set(refKey(completion.target), whole);
        const file = shell.write(`completed-${step.line}.yaml`, stringify(whole));
        await record(step.line, 'complete', `kubectl apply -f ${basename(file)}`, { reason: completion.why });
      } else if (step.shape !== 'object') {
        skip(step.line, step.text.split('\n')[0]!, step.shape === 'status' ? 'example output' : 'a fragment, not an object');
      } else if (consumerOf(k)) {
        pending = { step, text };
      } else {
        // The prose says to create it and shows no command: what `oc apply -f` does.
        const file = fileFor(step);
        shell.write(file, text);
        remember(text);
        await record(step.line, 'apply', `kubectl apply -f ${file}`);
      }
      continue;
    }
    const skipped = opts.skip?.(step);
    if (skipped) {
      skip(step.line, step.text, skipped);
      continue;
    }
    let command = fillPlaceholders(step.text, opts.placeholders);
    const applyOrCreate = APPLY_OR_CREATE.exec(command);
    if (applyOrCreate && pending) {
      const named = /-f\s+(\S+)/.exec(applyOrCreate[2]!)?.[1];
      const file = fileFor(pending.step, named === '<filename>' ? undefined : named);
      if (named !== '<filename>' && named !== file) throw new Error(`line ${step.line}: the command applies ${named}, the example above it is ${file}`);
      command = command.replace('<filename>', file);
      shell.write(file, pending.text);
      remember(pending.text, /(?:-n|--namespace)\s+(\S+)/.exec(command)?.[1]);
      pending = undefined;
    }
    if (command.includes('<filename>')) throw new Error(`line ${step.line}: no example above ${JSON.stringify(command)} to apply`);
    for (const extra of opts.prepare?.(step) ?? []) await record(step.line, 'prepare', extra);
    await record(step.line, 'run', command, { env: opts.envFor?.(step) });
  }
  return transcript;
}

/** A transcript entry's warnings (the `Warning: ` lines kubectl prints on stderr). */
export function warningsOf(entry: WalkEntry): string[] {
  return entry.stderr.split('\n').filter((l) => l.startsWith('Warning: ')).map((l) => l.slice('Warning: '.length));
}

/** An entry as the tests compare it: what kubectl printed, its warnings apart from other stderr. */
export function summarize(entry: WalkEntry): { line: number; action: WalkEntry['action']; code: number; stdout: string; warnings: string[]; stderr: string } {
  const other = entry.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('Warning: '));
  return { line: entry.line, action: entry.action, code: entry.code, stdout: entry.stdout, warnings: warningsOf(entry), stderr: other.join('\n') };
}
