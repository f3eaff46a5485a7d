/**
 * Cached OpenAPI v3 documents over a changing set of kinds. Documents are built on first
 * request and kept per group-version until a kind in that group-version changes (a CRD is
 * added, updated or removed), so serving stays cheap and hashes stay stable; kubectl caches
 * documents by the hash in the index URL, which changes exactly when the document does.
 *
 * KindDefinitions are treated as immutable values: a changed kind is a new object.
 */
import type { KindDefinition } from '../../api/kind.ts';
import { buildGroupVersionDoc, contentHash, groupVersionPaths, kindsInGroupVersion, type OpenApiDocument, type OpenApiIndex } from './document.ts';
import { parseGroupVersionPath } from './names.ts';

/** Where the kinds come from: a registry with a change counter (KindRegistry fits), or a plain function. */
export type KindSource = { all(): readonly KindDefinition[]; readonly generation: number } | (() => readonly KindDefinition[]);

export interface ServedDocument {
  body: OpenApiDocument;
  /** The exact JSON served; `etag` is its hash. */
  json: string;
  etag: string;
}

interface Entry {
  kinds: readonly KindDefinition[];
  doc?: ServedDocument;
}

const sameKinds = (a: readonly KindDefinition[], b: readonly KindDefinition[]): boolean => a.length === b.length && a.every((k, i) => k === b[i]);

export class OpenApiV3Service {
  readonly #source: KindSource;
  #generation: number | undefined;
  #entries = new Map<string, Entry>();
  #index: { key: string; value: OpenApiIndex } | undefined;

  constructor(source: KindSource) {
    this.#source = source;
  }

  /** Regroups the kinds when they may have changed, dropping documents of changed group-versions. */
  #refresh(): void {
    const source = this.#source;
    if (typeof source !== 'function' && source.generation === this.#generation) return;
    const kinds = typeof source === 'function' ? source() : source.all();
    const next = new Map<string, Entry>();
    for (const gv of groupVersionPaths(kinds)) {
      const { group, version } = parseGroupVersionPath(gv)!;
      const members = kindsInGroupVersion(kinds, group, version);
      const previous = this.#entries.get(gv);
      next.set(gv, previous && sameKinds(previous.kinds, members) ? previous : { kinds: members });
    }
    this.#entries = next;
    if (typeof source !== 'function') this.#generation = source.generation;
  }

  #document(gv: string, entry: Entry): ServedDocument {
    if (!entry.doc) {
      const { group, version } = parseGroupVersionPath(gv)!;
      const body = buildGroupVersionDoc(group, version, entry.kinds);
      const json = JSON.stringify(body);
      entry.doc = { body, json, etag: contentHash(json) };
    }
    return entry.doc;
  }

  /** GET /openapi/v3. */
  index(): OpenApiIndex {
    this.#refresh();
    const paths: OpenApiIndex['paths'] = {};
    for (const [gv, entry] of this.#entries) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${this.#document(gv, entry).etag}` };
    const key = JSON.stringify(paths);
    if (this.#index?.key !== key) this.#index = { key, value: { paths } };
    return this.#index.value;
  }

  /** GET /openapi/v3/<path>, `path` being an index key such as `api/v1` or `apis/maistra.io/v2`. */
  document(path: string): ServedDocument | undefined {
    this.#refresh();
    const entry = this.#entries.get(path);
    return entry ? this.#document(path, entry) : undefined;
  }
}
