/**
 * Test support: pulls the YAML examples out of the seed documents (/work/shared/seeds),
 * which are product documentation rendered to text. Examples there carry callout markers
 * (`mtls: true 1`, `members: 1`, or a lone `1` on its own line), placeholders
 * (`<bootstrap_servers>`), and end where the prose resumes. This undoes exactly that and
 * nothing more, so that what the tests validate is the YAML a user would apply.
 */
import { parseAllDocuments } from 'yaml';

export interface SeedBlock {
  /** 1-based line of the block's first line in the seed file. */
  line: number;
  /** `status` for a status-only excerpt (`status:` at the block's top). */
  shape: 'document' | 'status';
  docs: Record<string, unknown>[];
}

/** The placeholder values the tests fill in (the seeds' own examples for them). */
export const SEED_PLACEHOLDERS: Readonly<Record<string, string>> = {
  '<wildcard_certs>': 'wildcard-certs',
  '<bootstrap_servers_without_port>': 'my-cluster-kafka-bootstrap.kafka',
  '<bootstrap_servers>': 'my-cluster-kafka-bootstrap.kafka:9092',
  '<num_partitions>': '10',
  '<replication_factor>': '1',
  '<your-istio-namespace>': 'istio-system',
  '<your-OpenShift-projects>': 'default',
  'your-OpenShift-projects': 'default',
  '<namespace>': 'default',
  '<service_name>': 'hello',
  '<image_url>': 'docker.io/openshift/hello-openshift',
};

export function fillPlaceholders(text: string): string {
  let out = text;
  for (const [placeholder, value] of Object.entries(SEED_PLACEHOLDERS)) out = out.split(placeholder).join(value);
  return out;
}

const CALLOUT_LINE = /^\s*\d+(\s+\d+)*\s*$/;
const YAML_LINE = /^\s*(- |-$|---\s*$|\.\.\.\s*$|#|"[^"]*"\s*:|[\w./-]+:(\s|$))/;
const START_LINE = /^(\s*)(apiVersion|kind|status):(\s|$)/;
/** A second `key: ` on the same line: a flattened example (seed 003) or prose, not YAML. */
const FLATTENED = /\s[A-Za-z][\w.-]*:\s/;

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Lines of the block starting at `start` (callout-only lines removed), ending where prose resumes. */
function collectBlock(lines: readonly string[], start: number): { body: string[]; end: number } {
  const base = indentOf(lines[start]!);
  const body = [lines[start]!];
  let i = start + 1;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') { body.push(''); continue; }
    if (CALLOUT_LINE.test(line)) continue;
    const indent = indentOf(line);
    if (indent > base || (indent === base && YAML_LINE.test(line))) { body.push(line); continue; }
    break;
  }
  return { body: stripCallouts(body.map((l) => l.slice(Math.min(base, indentOf(l))))), end: i };
}

/** `key: value 1` → `key: value`; `- item 1` → `- item`; `key: 1` followed by its children → `key:`. */
export function stripCallouts(lines: readonly string[]): string[] {
  return lines.map((line, i) => {
    const trailing = /^(.*\S)\s+\d+(?:\s+\d+)*\s*$/.exec(line);
    if (!trailing) return line;
    const head = trailing[1]!;
    if (/:\s+\S/.test(head) && !head.trimStart().startsWith('#')) return head;
    if (/^\s*- [^:#]+$/.test(head)) return head;
    if (!head.endsWith(':')) return line;
    const next = lines.slice(i + 1).find((l) => l.trim() !== '');
    // The key's own column: `- port: 15443` has its key two columns right of the dash.
    const keyColumn = indentOf(line) + (line.trimStart().startsWith('- ') ? 2 : 0);
    const childFollows = next !== undefined && (indentOf(next) > keyColumn || (indentOf(next) === keyColumn && next.trimStart().startsWith('- ')));
    return childFollows ? head : line;
  });
}

function parseBlock(body: readonly string[], line: number): Record<string, unknown>[] {
  return parseAllDocuments(body.join('\n')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`seed YAML at line ${line}: ${doc.errors[0]!.message}`);
    return doc.toJS() as Record<string, unknown> | null;
  }).filter((d): d is Record<string, unknown> => d !== null && typeof d === 'object');
}

/** Every YAML example in a seed document, placeholders filled in. */
export function extractSeedBlocks(seedText: string): SeedBlock[] {
  const lines = fillPlaceholders(seedText).split('\n');
  const blocks: SeedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = START_LINE.exec(lines[i]!);
    if (!m || FLATTENED.test(lines[i]!.slice(m[0].length))) continue;
    const { body, end } = collectBlock(lines, i);
    blocks.push({ line: i + 1, shape: m[2] === 'status' ? 'status' : 'document', docs: parseBlock(body, i + 1) });
    i = end - 1;
  }
  return blocks;
}

/** The YAML excerpt that follows the first line containing `marker` (a spec fragment). */
export function extractFragmentAfter(seedText: string, marker: string): Record<string, unknown> {
  const lines = fillPlaceholders(seedText).split('\n');
  const at = lines.findIndex((l) => l.includes(marker));
  if (at < 0) throw new Error(`marker ${JSON.stringify(marker)} not found`);
  const start = lines.findIndex((l, i) => i > at && l.trim() !== '');
  const { body } = collectBlock(lines, start);
  const docs = parseBlock(body, start + 1);
  if (docs.length !== 1) throw new Error(`expected one YAML fragment after ${JSON.stringify(marker)}`);
  return docs[0]!;
}
