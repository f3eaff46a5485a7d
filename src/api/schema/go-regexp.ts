/**
 * Schema `pattern`s are Go (RE2) regular expressions. Most are valid JavaScript as written;
 * this translates the RE2 spellings that are not (leading flag groups, `\A`/`\z`, POSIX
 * bracket classes, `\pL`, `(?P<name>`) and caches the compiled result.
 */

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

export interface CompiledPattern {
  regexp?: RegExp;
  /** Why the pattern could not be compiled (kube-openapi reports it in the message). */
  error?: string;
}

const cache = new Map<string, CompiledPattern>();

function translate(pattern: string): { source: string; flags: string } {
  let source = pattern;
  let flags = '';
  const leading = /^\(\?([imsU]+)\)/.exec(source);
  if (leading) {
    for (const f of leading[1]!) if (f !== 'U' && !flags.includes(f)) flags += f;
    source = source.slice(leading[0].length);
  }
  source = source
    .replace(/\[:(\^?)([a-z]+):\]/g, (whole, negate: string, name: string) => {
      const set = POSIX_CLASSES[name];
      return set === undefined || negate ? whole : set;
    })
    .replace(/\\([pP])([A-Z])/g, '\\$1{$2}')
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$');
  return { source, flags };
}

/** Compiles a Go regular expression for unanchored matching, as Go's MatchString does. */
export function compileGoPattern(pattern: string): CompiledPattern {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const { source, flags } = translate(pattern);
  let compiled: CompiledPattern;
  try {
    compiled = { regexp: new RegExp(source, `${flags}u`) };
  } catch {
    try {
      compiled = { regexp: new RegExp(source, flags) };
    } catch (err) {
      compiled = { error: err instanceof Error ? err.message : String(err) };
    }
  }
  cache.set(pattern, compiled);
  return compiled;
}
