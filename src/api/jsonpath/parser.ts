/**
 * Parser for Kubernetes JSONPath templates, following client-go util/jsonpath/parser.go
 * rule for rule, quirks included (they are what CRD authors and kubectl users rely on):
 * - `['a.b']` is re-parsed as the field path `.a.b`, so only `\.` keeps a dot in a key:
 *   `.metadata.labels['serving\.knative\.dev/configuration']`;
 * - bracket keys must be single-quoted; filters accept both quote styles;
 * - `[n]` is a one-element slice, `[*]` the whole array, `[a,b]` a union.
 * Errors carry client-go's messages (`unclosed action`, `invalid array index x`, …).
 */
import { SkiffError } from '../../errors/skiff-error.ts';
import type { JsonPathNode, JsonPathTemplate, ListNode, SliceParam } from './ast.ts';
import { unquoteExtend } from './unquote.ts';

const EOF = -1;
const DICT_KEY = /^'([^']*)'$/;
const SLICE = /^(-?[0-9]*)(:-?[0-9]*)?(:-?[0-9]*)?$/;
const FILTER = /^([^!<>=]+)([!<>=]+)(.+?)$/;

class ParseFailure extends Error {}

function list(): ListNode {
  return { type: 'list', nodes: [] };
}

function isDigit(r: number): boolean {
  return r >= 0 && /\p{Nd}/u.test(String.fromCodePoint(r));
}

function isAlphaNumeric(r: number): boolean {
  return r >= 0 && (r === 0x5f || /[\p{L}\p{Nd}]/u.test(String.fromCodePoint(r)));
}

function isTerminator(r: number): boolean {
  return r === EOF || ' \t\r\n.,[]$@{}'.includes(String.fromCodePoint(r));
}

/** Go's `%#U`: `U+0025 '%'`. */
function describeRune(r: number): string {
  return `U+${r.toString(16).toUpperCase().padStart(4, '0')} '${String.fromCodePoint(r)}'`;
}

/** Go's strconv.Atoi: optional sign, ASCII digits, within int64. */
function atoi(text: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const n = BigInt(text);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? Number(n) : undefined;
}

class Parser {
  private pos = 0;
  private start = 0;
  private width = 0;
  readonly root: ListNode = list();

  constructor(private readonly input: string) {}

  run(): void {
    this.parseText(this.root);
  }

  private consumeText(): string {
    const value = this.input.slice(this.start, this.pos);
    this.start = this.pos;
    return value;
  }

  private next(): number {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return EOF;
    }
    const r = this.input.codePointAt(this.pos) as number;
    this.width = r > 0xffff ? 2 : 1;
    this.pos += this.width;
    return r;
  }

  private peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  private backup(): void {
    this.pos -= this.width;
  }

  private rest(): string {
    return this.input.slice(this.pos);
  }

  private parseText(cur: ListNode): void {
    for (;;) {
      if (this.rest().startsWith('{')) {
        if (this.pos > this.start) cur.nodes.push({ type: 'text', text: this.consumeText() });
        this.parseLeftDelim(cur);
        return;
      }
      if (this.next() === EOF) break;
    }
    if (this.pos > this.start) cur.nodes.push({ type: 'text', text: this.consumeText() });
  }

  private parseLeftDelim(cur: ListNode): void {
    this.pos += 1;
    this.consumeText();
    const action = list();
    cur.nodes.push(action);
    this.parseInsideAction(action);
  }

  private parseInsideAction(cur: ListNode): void {
    // Iterative where client-go recurses, so that long actions cannot exhaust the stack.
    for (;;) {
      const rest = this.rest();
      if (rest.startsWith('}')) {
        this.pos += 1;
        this.consumeText();
        this.parseText(this.root);
        return;
      }
      if (rest.startsWith('[?(')) {
        this.parseFilter(cur);
        continue;
      }
      if (rest.startsWith('..')) {
        this.parseRecursive(cur);
        continue;
      }
      const r = this.next();
      if (r === EOF || r === 0x0d || r === 0x0a) throw new ParseFailure('unclosed action');
      const c = String.fromCodePoint(r);
      if (c === ' ' || c === '@' || c === '$') {
        this.consumeText();
      } else if (c === '[') {
        this.parseArray(cur);
      } else if (c === '"' || c === "'") {
        this.parseQuote(cur, c);
      } else if (c === '.') {
        this.parseField(cur);
      } else if (c === '+' || c === '-' || isDigit(r)) {
        this.backup();
        this.parseNumber(cur);
      } else if (isAlphaNumeric(r)) {
        this.backup();
        this.parseIdentifier(cur);
      } else {
        throw new ParseFailure(`unrecognized character in action: ${describeRune(r)}`);
      }
    }
  }

  private parseIdentifier(cur: ListNode): void {
    for (;;) {
      if (isTerminator(this.next())) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    if (value === 'true' || value === 'false') cur.nodes.push({ type: 'bool', value: value === 'true' });
    else cur.nodes.push({ type: 'identifier', name: value });
  }

  private parseRecursive(cur: ListNode): void {
    if (cur.nodes.at(-1)?.type === 'recursive') throw new ParseFailure('invalid multiple recursive descent');
    this.pos += 2;
    this.consumeText();
    cur.nodes.push({ type: 'recursive' });
    if (isAlphaNumeric(this.peek())) this.parseField(cur);
  }

  private parseNumber(cur: ListNode): void {
    const sign = this.peek();
    if (sign === 0x2b || sign === 0x2d) this.next();
    for (;;) {
      const r = this.next();
      if (r !== 0x2e && !isDigit(r)) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    const int = atoi(value);
    if (int !== undefined) {
      cur.nodes.push({ type: 'int', value: int });
      return;
    }
    if (/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)$/.test(value)) {
      cur.nodes.push({ type: 'float', value: Number(value) });
      return;
    }
    throw new ParseFailure(`cannot parse number ${value}`);
  }

  private parseArray(cur: ListNode): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || r === 0x0a) throw new ParseFailure('unterminated array');
      if (r === 0x5d) break;
    }
    let text = this.consumeText().slice(1, -1);
    if (text === '*') text = ':';

    const parts = text.split(',');
    if (parts.length > 1) {
      const lists = parts.map((part) => parseAction(`[${part.trim()}]`));
      cur.nodes.push({ type: 'union', lists });
      return;
    }

    const key = DICT_KEY.exec(text);
    if (key) {
      cur.nodes.push(...parseAction(`.${key[1]}`).nodes);
      return;
    }

    const slice = SLICE.exec(text);
    if (!slice) throw new ParseFailure(`invalid array index ${text}`);
    const params: SliceParam[] = [];
    for (let i = 0; i < 3; i++) {
      let part = slice[i + 1] ?? '';
      if (part !== '') {
        if (i > 0) part = part.slice(1);
        if (i > 0 && part === '') {
          params.push({ value: 0, known: false, derived: false });
        } else {
          const value = atoi(part);
          if (value === undefined) throw new ParseFailure(`array index ${part} is not a number`);
          params.push({ value, known: true, derived: false });
        }
      } else if (i === 1) {
        params.push({ value: (params[0] as SliceParam).value + 1, known: true, derived: true });
      } else {
        params.push({ value: 0, known: false, derived: false });
      }
    }
    cur.nodes.push({ type: 'array', params: params as [SliceParam, SliceParam, SliceParam] });
  }

  private parseFilter(cur: ListNode): void {
    this.pos += 3;
    this.consumeText();
    let begin = false;
    let end = false;
    let pair = '';
    for (;;) {
      const r = this.next();
      if (r === EOF || r === 0x0a) throw new ParseFailure('unterminated filter');
      const c = String.fromCodePoint(r);
      if (c === '"' || c === "'") {
        if (!begin) {
          begin = true;
          pair = c;
          continue;
        }
        if (this.input[this.pos - 2] !== '\\' && c === pair) end = true;
      } else if (c === ')') {
        // Quotes appear at most once, as a pair: a `)` outside them closes the filter.
        if (begin === end) break;
      }
    }
    if (this.next() !== 0x5d) throw new ParseFailure('unclosed array expect ]');
    const text = this.consumeText().slice(0, -2);
    const m = FILTER.exec(text);
    if (!m) {
      cur.nodes.push({ type: 'filter', left: parseAction(text), right: list(), operator: 'exists' });
    } else {
      cur.nodes.push({ type: 'filter', left: parseAction(m[1] as string), right: parseAction(m[3] as string), operator: m[2] as string });
    }
  }

  private parseQuote(cur: ListNode, quote: string): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || r === 0x0a) throw new ParseFailure('unterminated quoted string');
      if (String.fromCodePoint(r) === quote && this.input[this.pos - 2] !== '\\') break;
    }
    const value = this.consumeText();
    const text = unquoteExtend(value);
    if (text === undefined) throw new ParseFailure(`unquote string ${value} error invalid syntax`);
    cur.nodes.push({ type: 'text', text });
  }

  private parseField(cur: ListNode): void {
    this.consumeText();
    for (;;) {
      const r = this.next();
      if (r === 0x5c) {
        this.next();
      } else if (isTerminator(r)) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    if (value === '*') cur.nodes.push({ type: 'wildcard' });
    else cur.nodes.push({ type: 'field', name: value.replaceAll('\\', '') });
  }
}

/** Parses the inside of one action (client-go's parseAction: wrap in `{}`, take the list). */
function parseAction(text: string): ListNode {
  const parser = new Parser(`{${text}}`);
  parser.run();
  return parser.root.nodes[0] as ListNode;
}

/**
 * Parses a JSONPath template such as `{.status.conditions[?(@.type=="Ready")].status}` or
 * `{range .items[*]}{.metadata.name}{"\n"}{end}`. Text outside `{}` is literal output.
 * Throws SkiffError SKF_API_BAD_REQUEST with client-go's message on a syntax error.
 */
export function parseJsonPath(template: string): JsonPathTemplate {
  const parser = new Parser(template);
  try {
    parser.run();
  } catch (err) {
    if (err instanceof ParseFailure) {
      throw new SkiffError('SKF_API_BAD_REQUEST', `invalid JSONPath template ${JSON.stringify(template)}: ${err.message}`, { details: { reason: err.message } });
    }
    throw err;
  }
  return { source: template, root: parser.root };
}

export type { JsonPathNode };
