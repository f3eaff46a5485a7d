/**
 * Go's path.Match, which --allow-paths and --ignore-paths use: `*` is any run of non-`/`
 * characters, `?` one non-`/` character, `[…]` a class (`^` negates, `a-z` ranges, `\`
 * escapes), `\c` the character c; the pattern must match the whole path. A malformed
 * pattern (an unclosed or empty class, a trailing `\`) is Go's ErrBadPattern: upstream
 * refuses to start with it, so compiling returns undefined.
 */

// In a `u` RegExp only syntax characters may be escaped outside a class; `-` only inside one.
const escapeRegExp = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const escapeInClass = (c: string) => c.replace(/[\\\]^[-]/g, '\\$&');

/** Compiles a Go path pattern to an anchored RegExp, or undefined when it is malformed. */
export function compilePathPattern(pattern: string): RegExp | undefined {
  const chars = [...pattern];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\') {
      if (i + 1 >= chars.length) return undefined;
      out += escapeRegExp(chars[++i]!);
    } else if (c === '[') {
      const cls = compileClass(chars, i + 1);
      if (!cls) return undefined;
      out += cls.source;
      i = cls.end;
    } else out += escapeRegExp(c);
  }
  return new RegExp(`^${out}$`, 'u');
}

/** One `[…]` class starting after its `[`: its RegExp text and the index of its `]`. */
function compileClass(chars: readonly string[], start: number): { source: string; end: number } | undefined {
  let i = start;
  let negated = false;
  if (chars[i] === '^') {
    negated = true;
    i++;
  }
  const ranges: string[] = [];
  let count = 0;
  // Go reads one escaped-or-plain character of a class; `-` and `]` must be escaped there.
  const readChar = (): string | undefined => {
    const c = chars[i];
    if (c === undefined || c === '-' || c === ']') return undefined;
    if (c === '\\') {
      i++;
      if (chars[i] === undefined) return undefined;
    }
    return chars[i++];
  };
  for (;;) {
    if (chars[i] === ']' && count > 0) break;
    const lo = readChar();
    if (lo === undefined) return undefined;
    let hi = lo;
    if (chars[i] === '-') {
      i++;
      const h = readChar();
      if (h === undefined) return undefined;
      hi = h;
    }
    count++;
    // Go accepts a reversed range (it matches nothing); a RegExp would throw on it.
    if (lo.codePointAt(0)! <= hi.codePointAt(0)!) ranges.push(lo === hi ? escapeInClass(lo) : `${escapeInClass(lo)}-${escapeInClass(hi)}`);
  }
  return { source: `[${negated ? '^' : ''}${ranges.join('')}]`, end: i };
}

/** path.Match(pattern, name); a malformed pattern matches nothing. */
export function pathMatches(pattern: string, name: string): boolean {
  return compilePathPattern(pattern)?.test(name) ?? false;
}

export const isValidPathPattern = (pattern: string): boolean => compilePathPattern(pattern) !== undefined;
