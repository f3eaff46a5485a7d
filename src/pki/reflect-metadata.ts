/**
 * The part of the Reflect metadata API that @peculiar/x509's dependency tsyringe needs
 * (`getMetadata`, `getOwnMetadata`, `defineMetadata`, plus `hasMetadata`/`hasOwnMetadata`).
 * tsyringe refuses to load without it, and the `reflect-metadata` package is not a project
 * dependency; this module must be imported before `@peculiar/x509`. It installs nothing when
 * a full polyfill is already present.
 */
type PropertyKey = string | symbol | undefined;
type MetadataTable = Map<PropertyKey, Map<unknown, unknown>>;

const tables = new WeakMap<object, MetadataTable>();

function ownEntries(target: object, property: PropertyKey, create: boolean): Map<unknown, unknown> | undefined {
  let table = tables.get(target);
  if (table === undefined) {
    if (!create) return undefined;
    table = new Map();
    tables.set(target, table);
  }
  let entries = table.get(property);
  if (entries === undefined && create) {
    entries = new Map();
    table.set(property, entries);
  }
  return entries;
}

function getMetadata(key: unknown, target: object, property?: PropertyKey): unknown {
  for (let current: object | null = target; current !== null; current = Object.getPrototypeOf(current) as object | null) {
    const entries = ownEntries(current, property, false);
    if (entries?.has(key) === true) return entries.get(key);
  }
  return undefined;
}

const api = {
  defineMetadata(key: unknown, value: unknown, target: object, property?: PropertyKey): void {
    ownEntries(target, property, true)!.set(key, value);
  },
  getOwnMetadata(key: unknown, target: object, property?: PropertyKey): unknown {
    return ownEntries(target, property, false)?.get(key);
  },
  hasOwnMetadata(key: unknown, target: object, property?: PropertyKey): boolean {
    return ownEntries(target, property, false)?.has(key) === true;
  },
  getMetadata,
  hasMetadata(key: unknown, target: object, property?: PropertyKey): boolean {
    for (let current: object | null = target; current !== null; current = Object.getPrototypeOf(current) as object | null) {
      if (ownEntries(current, property, false)?.has(key) === true) return true;
    }
    return false;
  },
};

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  for (const [name, fn] of Object.entries(api)) {
    Object.defineProperty(Reflect, name, { value: fn, writable: true, configurable: true });
  }
}
