/**
 * The label selector grammar of apimachinery pkg/labels (selector.go Lexer and Parser):
 *
 *   selector    := requirement ( ',' requirement )*  |  ''
 *   requirement := '!' KEY | KEY | KEY ( '=' | '==' | '!=' | '>' | '<' ) VALUE?
 *                | KEY ( 'in' | 'notin' ) '(' VALUES ')'
 *
 * Returns the requirements sorted by key, or Kubernetes' error text (e.g.
 * `unable to parse requirement: found '', expected: identifier`).
 */
import { formatFieldErrors } from '../field-error.ts';
import { compareGoStrings } from '../schema/go-format.ts';
import { labelKeyErrors, requirementError, type LabelOperator, type LabelRequirement } from './label-requirement.ts';

type Token = 'error' | 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'in' | '<' | '!=' | 'notin' | '(' | 'identifier';

interface Item { token: Token; literal: string }

const KEYWORDS: ReadonlyMap<string, Token> = new Map<string, Token>([
  [')', ')'], [',', ','], ['!', '!'], ['==', '=='], ['=', '='], ['>', '>'], ['in', 'in'], ['<', '<'], ['!=', '!='], ['notin', 'notin'], ['(', '('],
]);

/** `in`, `notin`, `=`, `==`, `!=`, `>`, `<`: Go lists them as the binary operators. */
const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string): boolean => '=!(),><'.includes(c);

function lex(text: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < text.length && isWhitespace(text[pos] as string)) pos++;
    if (pos >= text.length) {
      items.push({ token: 'end', literal: '' });
      return items;
    }
    if (isSpecial(text[pos] as string)) {
      // The longest run of symbols that still forms a token ("!=" rather than "!").
      let buffer = '';
      let last: Item | undefined;
      while (pos < text.length && isSpecial(text[pos] as string)) {
        buffer += text[pos];
        const token = KEYWORDS.get(buffer);
        if (token !== undefined) {
          last = { token, literal: buffer };
        } else if (last !== undefined) {
          break;
        }
        pos++;
      }
      items.push(last ?? { token: 'error', literal: `error expected: keyword found '${buffer}'` });
      continue;
    }
    const start = pos;
    while (pos < text.length && !isSpecial(text[pos] as string) && !isWhitespace(text[pos] as string)) pos++;
    const word = text.slice(start, pos);
    items.push({ token: KEYWORDS.get(word) ?? 'identifier', literal: word });
  }
}

class SyntaxError extends Error {}

class Parser {
  private position = 0;

  constructor(private readonly items: Item[]) {}

  /** In a value position the keywords `in` and `notin` are plain identifiers. */
  private lookahead(values: boolean): Item {
    return this.asContext(this.items[this.position] as Item, values);
  }

  private consume(values: boolean): Item {
    const item = this.items[this.position] as Item;
    this.position++;
    return this.asContext(item, values);
  }

  private asContext(item: Item, values: boolean): Item {
    return values && (item.token === 'in' || item.token === 'notin') ? { token: 'identifier', literal: item.literal } : item;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { token, literal } = this.lookahead(true);
      if (token === 'end') return requirements;
      if (token !== 'identifier' && token !== '!') throw new SyntaxError(`found '${literal}', expected: !, identifier, or 'end of string'`);
      requirements.push(this.parseRequirement());
      const next = this.consume(true);
      if (next.token === 'end') return requirements;
      if (next.token !== ',') throw new SyntaxError(`found '${next.literal}', expected: ',' or 'end of string'`);
      const after = this.lookahead(true);
      if (after.token !== 'identifier' && after.token !== '!') throw new SyntaxError(`found '${after.literal}', expected: identifier after ','`);
    }
  }

  private parseRequirement(): LabelRequirement {
    try {
      const { key, operator } = this.parseKeyAndInferOperator();
      if (operator !== undefined) return requirement(key, operator, []);
      const op = this.parseOperator();
      const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
      // sets.String.List(): unique and sorted.
      return requirement(key, op, [...new Set(values)].sort(compareGoStrings));
    } catch (err) {
      if (err instanceof SyntaxError) throw new SyntaxError(`unable to parse requirement: ${err.message}`);
      throw err;
    }
  }

  private parseKeyAndInferOperator(): { key: string; operator?: LabelOperator } {
    let operator: LabelOperator | undefined;
    let item = this.consume(true);
    if (item.token === '!') {
      operator = '!';
      item = this.consume(true);
    }
    if (item.token !== 'identifier') throw new SyntaxError(`found '${item.literal}', expected: identifier`);
    // Go validates against a nil field path here, which prints as "<nil>".
    const keyErrors = labelKeyErrors(item.literal, '<nil>');
    if (keyErrors.length > 0) throw new SyntaxError(formatFieldErrors(keyErrors));
    const next = this.lookahead(true).token;
    if ((next === 'end' || next === ',') && operator === undefined) operator = 'exists';
    return { key: item.literal, operator };
  }

  private parseOperator(): LabelOperator {
    const { token, literal } = this.consume(false);
    switch (token) {
      case 'in': return 'in';
      case 'notin': return 'notin';
      case '=': return '=';
      case '==': return '==';
      case '!=': return '!=';
      case '>': return 'gt';
      case '<': return 'lt';
      default: throw new SyntaxError(`found '${literal}', expected: ${BINARY_OPERATORS}`);
    }
  }

  private parseValues(): string[] {
    const open = this.consume(true);
    if (open.token !== '(') throw new SyntaxError(`found '${open.literal}' expected: '('`);
    const { token, literal } = this.lookahead(true);
    if (token === 'identifier' || token === ',') {
      const values = this.parseIdentifiersList();
      if (this.consume(true).token !== ')') throw new SyntaxError(`found '${literal}', expected: ')'`);
      return values;
    }
    if (token === ')') {
      this.consume(true);
      return [''];
    }
    throw new SyntaxError(`found '${literal}', expected: ',', ')' or identifier`);
  }

  /** Values between parentheses; empty entries (`(a,)`, `(,a)`, `(a,,b)`) are the empty string. */
  private parseIdentifiersList(): string[] {
    const values: string[] = [];
    for (;;) {
      const { token, literal } = this.consume(true);
      if (token === 'identifier') {
        values.push(literal);
        const next = this.lookahead(true);
        if (next.token === ',') continue;
        if (next.token === ')') return values;
        throw new SyntaxError(`found '${next.literal}', expected: ',' or ')'`);
      }
      if (token === ',') {
        if (values.length === 0) values.push('');
        const next = this.lookahead(true).token;
        if (next === ')') {
          values.push('');
          return values;
        }
        if (next === ',') {
          this.consume(true);
          values.push('');
        }
        continue;
      }
      throw new SyntaxError(`found '${literal}', expected: ',', or identifier`);
    }
  }

  private parseExactValue(): string[] {
    const next = this.lookahead(true).token;
    if (next === 'end' || next === ',') return [''];
    const { token, literal } = this.consume(true);
    if (token === 'identifier') return [literal];
    throw new SyntaxError(`found '${literal}', expected: identifier`);
  }
}

function requirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const error = requirementError(key, operator, values);
  if (error !== undefined) throw new SyntaxError(error);
  return { key, operator, values };
}

/** Parses a selector string; returns its requirements sorted by key, or the error text. */
export function parseLabelRequirements(text: string): LabelRequirement[] | { error: string } {
  try {
    const requirements = new Parser(lex(text)).parse();
    // sort.Sort is not stable; requirements on the same key keep their parsed order here.
    return requirements.sort((a, b) => compareGoStrings(a.key, b.key));
  } catch (err) {
    if (err instanceof SyntaxError) return { error: err.message };
    throw err;
  }
}
