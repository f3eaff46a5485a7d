/**
 * Knative's validation error (knative.dev/pkg `apis.FieldError`), which is shaped and worded
 * differently from Kubernetes' field errors: a message, the paths it applies to and optional
 * details, nested errors gathered with `also`, paths prefixed on the way up with `via`, and a
 * rendering that merges errors with the same message, sorts them and joins paths with ", "
 * (`Traffic targets sum to 90, want 100: spec.traffic`).
 *
 * An empty KnFieldError stands for Go's nil, so every method can be called on any value.
 * Instances are immutable.
 */
import { compareGoStrings } from '../schema/go-format.ts';

export type DiagnosticLevel = 'Error' | 'Warning';

/** The numeric order Go gives the levels (sorting uses it). */
const LEVEL_ORDER: Record<DiagnosticLevel, number> = { Error: 0, Warning: 1 };

/** A flattened, merged diagnostic: one line of the rendered error. */
export interface KnDiagnostic {
  message: string;
  paths: string[];
  details: string;
  level: DiagnosticLevel;
}

export class KnFieldError {
  static readonly NONE = new KnFieldError('', [], '', 'Error', []);

  private constructor(
    readonly message: string,
    readonly paths: readonly string[],
    readonly details: string,
    readonly level: DiagnosticLevel,
    private readonly children: readonly KnFieldError[],
  ) {}

  static of(message: string, paths: readonly string[] = [], details = ''): KnFieldError {
    return new KnFieldError(message, [...paths], details, 'Error', []);
  }

  isEmpty(): boolean {
    return this.message === '' && this.details === '' && this.children.length === 0 && this.paths.length === 0;
  }

  /** Prefixes every path (of this error and the nested ones) with `prefix` (`ViaField`). */
  via(...prefix: string[]): KnFieldError {
    if (this.isEmpty()) return this;
    let out = new KnFieldError(this.message, this.paths.map((p) => flatten([...prefix, p])), this.details, this.level, []);
    for (const child of this.children) out = out.also(child.via(...prefix));
    return out;
  }

  viaIndex(index: number): KnFieldError {
    return this.via(`[${index}]`);
  }

  viaFieldIndex(field: string, index: number): KnFieldError {
    return this.viaIndex(index).via(field);
  }

  viaKey(key: string): KnFieldError {
    return this.via(`[${key}]`);
  }

  viaFieldKey(field: string, key: string): KnFieldError {
    return this.viaKey(key).via(field);
  }

  /** Collects errors; empty ones are dropped (`Also`). */
  also(...errs: KnFieldError[]): KnFieldError {
    const nonEmpty = errs.filter((e) => !e.isEmpty());
    if (nonEmpty.length === 0) return this;
    const base = this.isEmpty() ? new KnFieldError('', [], '', 'Error', []) : this;
    return new KnFieldError(base.message, base.paths, base.details, base.level, [...base.children, ...nonEmpty]);
  }

  /** The same diagnostics at another level (`At`). */
  at(level: DiagnosticLevel): KnFieldError {
    if (this.isEmpty()) return this;
    let out = new KnFieldError(this.message, this.paths, this.details, level, []);
    for (const child of this.children) out = out.also(child.at(level));
    return out;
  }

  /** Only the diagnostics of one level (`Filter`); empty when there are none. */
  filter(level: DiagnosticLevel): KnFieldError {
    if (this.isEmpty()) return this;
    let out = level === this.level ? new KnFieldError(this.message, this.paths, this.details, this.level, []) : KnFieldError.NONE;
    for (const child of this.children) out = out.also(child.filter(level));
    return out;
  }

  /** Flattened, merged (same level+message+details → paths unioned) and sorted diagnostics. */
  diagnostics(): KnDiagnostic[] {
    const merged = new Map<string, KnDiagnostic>();
    for (const d of this.normalized()) {
      const key = `${d.level}-${d.message}-${d.details}`;
      const seen = merged.get(key);
      if (seen) {
        for (const p of d.paths) if (!seen.paths.includes(p)) seen.paths.push(p);
      } else {
        merged.set(key, { ...d, paths: [...d.paths] });
      }
    }
    const out = [...merged.values()];
    for (const d of out) d.paths.sort(compareGoStrings);
    return out.sort((a, b) => compareGoStrings(a.message, b.message) || compareGoStrings(a.details, b.details) || LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]);
  }

  /** The text Go's `Error()` returns: one line per diagnostic, `message: paths[\ndetails]`. */
  toString(): string {
    return this.diagnostics().map(renderDiagnostic).join('\n');
  }

  private normalized(): KnDiagnostic[] {
    const out: KnDiagnostic[] = [];
    if (this.message !== '') out.push({ message: this.message, paths: [...this.paths], details: this.details, level: this.level });
    for (const child of this.children) out.push(...child.normalized());
    return out;
  }
}

export function renderDiagnostic(d: KnDiagnostic): string {
  const head = `${d.message}: ${d.paths.join(', ')}`;
  return d.details === '' ? head : `${head}\n${d.details}`;
}

/**
 * Joins path parts as knative.dev/pkg does: parts split on '.', empty parts dropped, and an
 * index part (`[0]`, `[key]`) glued to the part before it (`spec.traffic[0].tag`).
 */
function flatten(parts: readonly string[]): string {
  const out: string[] = [];
  for (const part of parts) {
    for (const p of part.split('.')) {
      if (p === '') continue;
      if (out.length > 0 && p.startsWith('[') && p.endsWith(']')) out[out.length - 1] += p;
      else out.push(p);
    }
  }
  return out.join('.');
}
