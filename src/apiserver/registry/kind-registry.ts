/**
 * The set of kinds the API server serves: the compiled-in ones plus CRDs, which come and go
 * at runtime. Lookups by URL resource (group/version/plural) and by kind; a generation
 * counter and listeners let discovery and OpenAPI caches invalidate when CRDs change.
 */
import type { KindDefinition, KindVersion } from '../../api/kind.ts';

export interface ResolvedResource {
  def: KindDefinition;
  version: KindVersion;
}

export class KindRegistry {
  readonly #static: KindDefinition[];
  readonly #dynamic = new Map<string, KindDefinition>();
  #byResource = new Map<string, KindDefinition>();
  #byKind = new Map<string, KindDefinition>();
  #generation = 0;
  readonly #listeners = new Set<() => void>();

  constructor(staticKinds: readonly KindDefinition[]) {
    this.#static = [...staticKinds];
    this.#rebuild();
  }

  /** Bumped on every change; caches compare it. */
  get generation(): number {
    return this.#generation;
  }

  all(): readonly KindDefinition[] {
    return [...this.#byResource.values()];
  }

  /** Adds or replaces a CRD-backed kind, keyed by its CRD name (`<plural>.<group>`). */
  setDynamic(crdName: string, def: KindDefinition): void {
    this.#dynamic.set(crdName, def);
    this.#rebuild();
  }

  removeDynamic(crdName: string): void {
    if (this.#dynamic.delete(crdName)) this.#rebuild();
  }

  /** The kind served at /apis/<group>/<version>/<plural>, if that version is served. */
  resolve(group: string, version: string, plural: string): ResolvedResource | undefined {
    const def = this.#byResource.get(`${group}/${plural}`);
    const v = def?.versions.find((x) => x.name === version && x.served);
    return def && v ? { def, version: v } : undefined;
  }

  byResource(group: string, plural: string): KindDefinition | undefined {
    return this.#byResource.get(`${group}/${plural}`);
  }

  byKind(group: string, kind: string): KindDefinition | undefined {
    return this.#byKind.get(`${group}/${kind}`);
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #rebuild(): void {
    const byResource = new Map<string, KindDefinition>();
    const byKind = new Map<string, KindDefinition>();
    // Compiled-in kinds win over a CRD that claims the same resource (as kube-apiserver's
    // built-in groups shadow CRDs).
    for (const def of [...this.#dynamic.values(), ...this.#static]) {
      byResource.set(`${def.group}/${def.plural}`, def);
      byKind.set(`${def.group}/${def.kind}`, def);
    }
    this.#byResource = byResource;
    this.#byKind = byKind;
    this.#generation++;
    for (const l of this.#listeners) l();
  }
}
