/**
 * Finds repeated keys in a JSON text. JSON.parse silently keeps the last one; kube-apiserver
 * decodes request bodies with sigs.k8s.io/json's strict mode, which reports each repeated key
 * as a strict decoding error `duplicate field "spec.replicas"` (a Strict request fails with
 * it, Warn turns it into a warning). Paths are built as that decoder builds them: keys joined
 * with dots, list positions as `[i]`; each path is reported once, at most 100 in all.
 *
 * The text is expected to be valid JSON (parse it first); the scanner only tracks structure.
 */
import { duplicateFieldMessage } from './prune.ts';

const MAX_ERRORS = 100;

interface ObjectFrame { kind: 'object'; path: string; keys: Set<string>; expectingKey: boolean; pendingKey?: string }
interface ArrayFrame { kind: 'array'; path: string; index: number }
type Frame = ObjectFrame | ArrayFrame;

function join(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

/** Reads the JSON string starting at text[start] (a quote); returns its value and the index after it. */
function readString(text: string, start: number): { value: string; end: number } {
  let i = start + 1;
  // The text parsed as JSON already, so the string ends; the bound keeps a bad caller finite.
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  const raw = text.slice(start + 1, i);
  // Only escapes need JSON's decoding; most keys and values have none.
  return { value: raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw, end: i + 1 };
}

/** The path a value at the current position will have. */
function valuePath(top: Frame | undefined): string {
  if (!top) return '';
  if (top.kind === 'array') return `${top.path}[${top.index}]`;
  return join(top.path, top.pendingKey ?? '');
}

/** Paths of repeated keys, in the order they occur. */
export function findDuplicateFieldPaths(text: string): string[] {
  const stack: Frame[] = [];
  const found: string[] = [];
  const seen = new Set<string>();
  let i = 0;
  while (i < text.length && found.length < MAX_ERRORS) {
    const ch = text[i]!;
    const top = stack[stack.length - 1];
    if (ch === '{' || ch === '[') {
      const path = valuePath(top);
      stack.push(ch === '{' ? { kind: 'object', path, keys: new Set(), expectingKey: true } : { kind: 'array', path, index: 0 });
      i++;
    } else if (ch === '}' || ch === ']') {
      stack.pop();
      i++;
    } else if (ch === ',') {
      if (top?.kind === 'array') top.index++;
      else if (top?.kind === 'object') top.expectingKey = true;
      i++;
    } else if (ch === '"') {
      const { value, end } = readString(text, i);
      i = end;
      if (top?.kind === 'object' && top.expectingKey) {
        top.expectingKey = false;
        if (top.keys.has(value)) {
          const path = join(top.path, value);
          if (!seen.has(path)) { seen.add(path); found.push(path); }
        }
        top.keys.add(value);
        top.pendingKey = value;
      }
    } else {
      i++;
    }
  }
  return found;
}

/** `duplicate field "…"` strict decoding errors for a JSON request body. */
export function findDuplicateFields(text: string): string[] {
  return findDuplicateFieldPaths(text).map(duplicateFieldMessage);
}
