/**
 * The structural checks SMD makes when it turns an applied configuration into a typed
 * value: every associative-list item must be nameable (key fields present, set items
 * scalar) and unique. Messages follow SMD's ValidationErrors (`.spec.ports: element 1: …`).
 */
import { isJsonObject, type JsonValue } from '../json.ts';
import { fieldElement, pathElementToString, pathToString, serializePathElement, type Path } from '../fieldpath/path-element.ts';
import { nameListItem } from './list-items.ts';
import { atomFor, memberType, type TypeRef } from './type-model.ts';

/** Returns the problems found, empty when the value is a valid apply configuration. */
export function validateApplyConfig(value: JsonValue, type: TypeRef): string[] {
  const errors: string[] = [];
  walk(value, type, [], errors);
  return errors;
}

export function formatValidationErrors(errors: readonly string[]): string {
  return errors.length === 1 ? errors[0]! : ['errors:', ...errors.map((e) => `  ${e}`)].join('\n');
}

function walk(value: JsonValue, type: TypeRef, path: Path, errors: string[]): void {
  const atom = atomFor(type, value);
  if (atom.kind === 'scalar' || atom.atomic) return;
  if (atom.kind === 'list') {
    const where = (): string => pathToString(path);
    if (!Array.isArray(value)) return;
    const seen = new Set<string>();
    value.forEach((item, i) => {
      const name = nameListItem(atom, item);
      if (!name.ok) {
        errors.push(`${where()}: element ${i}: ${name.error}`);
        return;
      }
      const key = serializePathElement(name.pe);
      if (seen.has(key)) {
        errors.push(`${where()}: duplicate entries for key ${pathElementToString(name.pe)}`);
        return;
      }
      seen.add(key);
      walk(item, atom.element, [...path, name.pe], errors);
    });
    return;
  }
  if (!isJsonObject(value)) return;
  for (const [key, child] of Object.entries(value)) walk(child, memberType(atom, key), [...path, fieldElement(key)], errors);
}
