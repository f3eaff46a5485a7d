/**
 * The error catalog and its page stay in step: docs/errors.md lists every code with the
 * catalog's status, reason, summary and hint (no more, no less), its "Reserved" line names
 * exactly the codes nothing raises yet, and every code that code or docs mention exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERRORS, type ErrorSpec } from './catalog.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGE = join(ROOT, 'docs/errors.md');
const CATALOG: Readonly<Record<string, ErrorSpec>> = ERRORS;
const CODES = new Set(Object.keys(CATALOG));

interface PageRow {
  code: string;
  status: number;
  reason: string;
  summary: string;
  hint: string;
  line: number;
}

/** Table rows of the page: `| \`CODE\` | status | reason | summary | hint |` (`\|` escapes a bar). */
function pageRows(text: string): PageRow[] {
  const rows: PageRow[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.startsWith('| `SKF_')) return;
    const cells = raw.slice(1, raw.endsWith('|') ? -1 : undefined).split(/(?<!\\)\|/).map((c) => c.trim().replaceAll('\\|', '|'));
    assert.equal(cells.length, 5, `docs/errors.md:${i + 1}: a code row has five cells (code, HTTP, reason, summary, what to do)`);
    const [code, status, reason, summary, hint] = cells as [string, string, string, string, string];
    rows.push({ code: code.replaceAll('`', ''), status: Number(status), reason, summary, hint, line: i + 1 });
  });
  return rows;
}

/** The row the page needs for a code, ready to paste. */
function rowFor(code: string): string {
  const e = CATALOG[code]!;
  const cell = (s: string) => s.replaceAll('|', '\\|');
  return `| \`${code}\` | ${e.status} | ${e.reason} | ${cell(e.summary)} | ${cell(e.hint)} |`;
}

function filesUnder(dir: string, keep: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'testdata') out.push(...filesUnder(path, keep));
    } else if (keep(path)) {
      out.push(path);
    }
  }
  return out;
}

const sourceFiles = (): string[] => filesUnder(join(ROOT, 'src'), (p) => p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith(join('errors', 'catalog.ts')));

test('docs/errors.md lists every catalog code, and only those, with the catalog\'s text', () => {
  const rows = pageRows(readFileSync(PAGE, 'utf8'));
  const listed = new Map<string, PageRow>();
  for (const row of rows) {
    assert.ok(!listed.has(row.code), `docs/errors.md:${row.line}: ${row.code} is listed twice`);
    listed.set(row.code, row);
  }
  const missing = [...CODES].filter((c) => !listed.has(c));
  assert.deepEqual(missing, [], `docs/errors.md lacks these codes; add the rows under their area:\n${missing.map(rowFor).join('\n')}`);
  const unknown = [...listed.keys()].filter((c) => !CODES.has(c));
  assert.deepEqual(unknown, [], 'docs/errors.md lists codes that src/errors/catalog.ts does not have');
  for (const [code, row] of listed) {
    const e = CATALOG[code]!;
    assert.deepEqual(
      { status: row.status, reason: row.reason, summary: row.summary, hint: row.hint },
      { status: e.status, reason: e.reason, summary: e.summary, hint: e.hint },
      `docs/errors.md:${row.line}: ${code} differs from the catalog; the row should read:\n${rowFor(code)}`,
    );
  }
});

test('the page\'s "Reserved" line names exactly the codes that no source file raises', () => {
  const sources = sourceFiles().map((p) => readFileSync(p, 'utf8')).join('\n');
  // A code is raised where it appears as a string literal or a member (`ERRORS.SKF_…`), not in a comment.
  const unused = [...CODES].filter((c) => !CATALOG[c]!.retired && !new RegExp(`(['"\`]|\\.)${c}\\b`).test(sources)).sort();
  const line = readFileSync(PAGE, 'utf8').split('\n').find((l) => l.startsWith('Reserved'));
  const reserved = [...(line ?? '').matchAll(/`(SKF_[A-Z0-9_]+)`/g)].map((m) => m[1]!).sort();
  assert.deepEqual(reserved, unused, 'docs/errors.md: update the "Reserved (in the catalog, raised by nothing yet): …" line');
});

test('every code the sources raise, test for or mention is in the catalog', () => {
  const problems: string[] = [];
  // tsc checks the ErrorCode type of SkiffError and isSkiffError; this also covers codes in
  // strings, comments and tests, which the type system does not see.
  const files = [
    ...filesUnder(join(ROOT, 'src'), (p) => p.endsWith('.ts')),
    ...filesUnder(join(ROOT, 'test'), (p) => p.endsWith('.ts')),
  ];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bSKF_[A-Z0-9_]*[A-Z0-9]\b(?!_\*)/g)) {
      if (!CODES.has(m[0])) problems.push(`${relative(ROOT, file)}: ${m[0]}`);
    }
  }
  assert.deepEqual(problems, [], 'codes that src/errors/catalog.ts does not define');
});

test('codes named in the documentation exist (a trailing `_*` names a family)', () => {
  const docs = [
    ...filesUnder(join(ROOT, 'docs'), (p) => p.endsWith('.md')),
    join(ROOT, 'README.md'),
    join(ROOT, 'ARCHITECTURE.md'),
  ];
  const problems: string[] = [];
  for (const file of docs) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(/\bSKF_[A-Z0-9_]*\b(\*)?/g)) {
      const name = m[0];
      const known = m[1] === '*' ? [...CODES].some((c) => c.startsWith(name.slice(0, -1))) : CODES.has(name);
      if (!known) problems.push(`${relative(ROOT, file)}: ${name}`);
    }
  }
  assert.deepEqual(problems, [], 'documentation names codes (or code families) the catalog does not have');
});
