/**
 * Unquotes a JSONPath string literal the way client-go's `UnquoteExtend` does: Go's
 * strconv.Unquote rules (escapes \a \b \f \n \r \t \v \\ \' \" \xHH \uHHHH \UHHHHHHHH \NNN),
 * extended to single-quoted strings. Returns undefined where Go reports a syntax error.
 */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

function hexValue(text: string): number | undefined {
  return /^[0-9a-fA-F]+$/.test(text) ? parseInt(text, 16) : undefined;
}

export function unquoteExtend(quoted: string): string | undefined {
  if (quoted.length < 2) return undefined;
  const quote = quoted[0] as string;
  if (quote !== quoted[quoted.length - 1] || (quote !== '"' && quote !== "'")) return undefined;
  const body = quoted.slice(1, -1);
  if (!body.includes('\\') && !body.includes(quote)) return body;

  let out = '';
  let i = 0;
  while (i < body.length) {
    const c = body[i] as string;
    if (c === quote) return undefined;
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) return undefined;
    i += 2;
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
    } else if (e === "'" || e === '"') {
      if (e !== quote) return undefined;
      out += e;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const code = hexValue(body.slice(i, i + n));
      if (body.length - i < n || code === undefined) return undefined;
      // \x yields one byte in Go; here its Latin-1 character (identical for ASCII).
      if (e !== 'x' && (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))) return undefined;
      out += String.fromCodePoint(code);
      i += n;
    } else if (e >= '0' && e <= '7') {
      const digits = e + body.slice(i, i + 2);
      if (!/^[0-7]{3}$/.test(digits)) return undefined;
      const code = parseInt(digits, 8);
      if (code > 255) return undefined;
      out += String.fromCharCode(code);
      i += 2;
    } else {
      return undefined;
    }
  }
  return out;
}
