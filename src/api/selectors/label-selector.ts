/**
 * Label selectors: parsed from `?labelSelector=` strings or converted from metav1.LabelSelector
 * objects (Deployment/Service/… selectors), matched against an object's labels and printed
 * in Kubernetes' canonical form (`app=web,tier in (back,front)`).
 */
import { SkiffError } from '../../errors/skiff-error.ts';
import { compareGoStrings, goQuote } from '../schema/go-format.ts';
import { parseLabelRequirements } from './label-parser.ts';
import { requirementError, requirementMatches, requirementString, type LabelOperator, type LabelRequirement, type Labels } from './label-requirement.ts';

export class LabelSelector {
  private constructor(
    /** Sorted by key. */
    readonly requirements: readonly LabelRequirement[],
    /** labels.Nothing(): what a nil metav1.LabelSelector converts to. */
    readonly matchesNothing: boolean,
  ) {}

  static everything(): LabelSelector {
    return new LabelSelector([], false);
  }

  static nothing(): LabelSelector {
    return new LabelSelector([], true);
  }

  /** From requirements already validated (sorted here by key, as Selector.Add does). */
  static of(requirements: readonly LabelRequirement[]): LabelSelector {
    return new LabelSelector([...requirements].sort((a, b) => compareGoStrings(a.key, b.key)), false);
  }

  matches(labels: Labels): boolean {
    return !this.matchesNothing && this.requirements.every((r) => requirementMatches(r, labels));
  }

  /** True for the selector that selects everything (Go's Selector.Empty). */
  get empty(): boolean {
    return !this.matchesNothing && this.requirements.length === 0;
  }

  /** The canonical text (Selector.String); empty for everything and for nothing. */
  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }

  /** The single value a key must equal (`k=v`, `k==v`, `k in (v)`), as Go's RequiresExactMatch. */
  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((x) => x.key === key);
    if (r === undefined || r.values.length !== 1) return undefined;
    return r.operator === '=' || r.operator === '==' || r.operator === 'in' ? r.values[0] : undefined;
  }
}

/**
 * Parses a label selector string (labels.Parse). Throws SkiffError SKF_API_BAD_SELECTOR with
 * Kubernetes' message, e.g. `unable to parse requirement: found '', expected: identifier`.
 */
export function parseLabelSelector(text: string): LabelSelector {
  const parsed = parseLabelRequirements(text);
  if ('error' in parsed) throw new SkiffError('SKF_API_BAD_SELECTOR', parsed.error, { details: { labelSelector: text } });
  return LabelSelector.of(parsed);
}

/** The metav1.LabelSelector shape (apps/v1 selectors, NetworkPolicy, PDB …). */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: readonly { key: string; operator: string; values?: readonly string[] | null }[] | null;
}

const OBJECT_OPERATORS: Readonly<Record<string, LabelOperator>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * metav1.LabelSelectorAsSelector: a nil selector selects nothing, an empty one everything;
 * matchLabels become `k=v` and matchExpressions `in`/`notin`/exists/`!` requirements.
 * Throws SkiffError SKF_API_BAD_SELECTOR for an unknown operator or an invalid key or value.
 */
export function labelSelectorFromObject(selector: LabelSelectorObject | null | undefined): LabelSelector {
  if (selector === null || selector === undefined) return LabelSelector.nothing();
  const matchLabels = selector.matchLabels ?? {};
  const matchExpressions = selector.matchExpressions ?? [];
  const requirements: LabelRequirement[] = [];
  const fail = (message: string): SkiffError => new SkiffError('SKF_API_BAD_SELECTOR', message, { details: { selector } });
  for (const [key, value] of Object.entries(matchLabels)) {
    const error = requirementError(key, '=', [value]);
    if (error !== undefined) throw fail(error);
    requirements.push({ key, operator: '=', values: [value] });
  }
  for (const expression of matchExpressions) {
    const operator = OBJECT_OPERATORS[expression.operator];
    if (operator === undefined) throw fail(`${goQuote(String(expression.operator))} is not a valid label selector operator`);
    const values = [...(expression.values ?? [])];
    const error = requirementError(expression.key, operator, values, true);
    if (error !== undefined) throw fail(error);
    requirements.push({ key: expression.key, operator, values });
  }
  return LabelSelector.of(requirements);
}

/** metav1.FormatLabelSelector, for printers: the canonical text, `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelectorObject(selector: LabelSelectorObject | null | undefined): string {
  let text: string;
  try {
    text = labelSelectorFromObject(selector).toString();
  } catch {
    return '<error>';
  }
  return text === '' ? '<none>' : text;
}
