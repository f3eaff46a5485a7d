/**
 * Serving CustomResourceDefinitions, as apiextensions-apiserver does: every stored CRD
 * becomes a served kind (its names accepted and the kind Established in its status);
 * deleting a CRD first deletes all its instances (the
 * `customresourcecleanup.apiextensions.k8s.io` finalizer), then stops serving the kind.
 *
 * This is part of the API server, not a controller: it changes what the server serves.
 */
import type { KindDefinition } from '../../api/kind.ts';
import type { KubeObject } from '../../api/object.ts';
import { kindFromCrd, crdStatus } from '../../api/crd/index.ts';
import { isSkiffError } from '../../errors/skiff-error.ts';
import type { Logger } from '../../util/log.ts';
import type { KindRegistry } from '../registry/kind-registry.ts';
import type { ObjectService, RequestContext, Target, WatchService } from '../storage/index.ts';

export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export interface CrdRegistrarDeps {
  registry: KindRegistry;
  objects: ObjectService;
  watches: WatchService;
  log: Logger;
}

export class CrdRegistrar {
  readonly #d: CrdRegistrarDeps;
  readonly #crdTarget: Target;
  #stop: (() => void) | undefined;
  #chain: Promise<void> = Promise.resolve();
  /** Per served CRD: what its kind was built from (spec and accepted names) and the kind. */
  readonly #served = new Map<string, { from: string; def: KindDefinition }>();

  constructor(deps: CrdRegistrarDeps) {
    this.#d = deps;
    const def = deps.registry.byKind('apiextensions.k8s.io', 'CustomResourceDefinition');
    if (!def) throw new Error('the CustomResourceDefinition kind is not registered');
    this.#crdTarget = { def, version: def.versions[0]!, namespace: undefined, name: undefined, subresource: undefined };
  }

  /** Registers every stored CRD before returning, then follows changes. */
  async start(): Promise<void> {
    const list = await this.#d.objects.list(this.#crdTarget, {});
    for (const crd of list.items) await this.#reconcile(crd);
    const handle = await this.#d.watches.watch(this.#crdTarget, { resourceVersion: list.resourceVersion }, {
      send: (e) => {
        if (e.type === 'ERROR' || e.type === 'BOOKMARK') return;
        const crd = e.object as KubeObject;
        this.#chain = this.#chain.then(() => (e.type === 'DELETED' ? this.#forget(crd) : this.#reconcile(crd))).catch((err: unknown) => this.#d.log.error({ err, crd: crd.metadata.name }, 'CRD reconcile failed'));
      },
      close: () => {
        // Compaction or shutdown; on shutdown #stop is set. Restart on compaction.
        if (this.#stop) void this.start();
      },
    });
    this.#stop = () => handle.stop();
  }

  stop(): void {
    const stop = this.#stop;
    this.#stop = undefined;
    stop?.();
  }

  async #reconcile(crd: KubeObject): Promise<void> {
    const name = crd.metadata.name!;
    let def: KindDefinition;
    try {
      def = kindFromCrd(crd);
    } catch (err) {
      this.#d.log.warn({ err, crd: name }, 'CRD cannot be served');
      return;
    }
    if (crd.metadata.deletionTimestamp) {
      // Instances with finalizers of their own take time to go; the finalizer stays until
      // the last one is gone (apiextensions' finalizing controller).
      if ((await this.#deleteInstances(def)) > 0) {
        this.#retryLater(crd);
        return;
      }
      await this.#write(name, (cur) => ({ ...cur, metadata: { ...cur.metadata, finalizers: (cur.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER) } }));
      return;
    }
    this.#serve(name, crd, def);
    if (!(crd.metadata.finalizers ?? []).includes(CLEANUP_FINALIZER)) {
      await this.#write(name, (cur) => ({ ...cur, metadata: { ...cur.metadata, finalizers: [...(cur.metadata.finalizers ?? []), CLEANUP_FINALIZER] } }));
    }
    const others = (await this.#d.objects.list(this.#crdTarget, {})).items;
    const status = crdStatus(crd, { others });
    if (JSON.stringify(status) !== JSON.stringify(crd.status)) {
      await this.#write(name, (cur) => ({ ...cur, status: crdStatus(cur, { others }) }), 'status');
    }
  }

  /**
   * Serves `def` unless the kind is already served from the same spec and accepted names
   * (a status or metadata write changes nothing served, as apiextensions-apiserver ignores
   * such updates). A kind served before is replaced and its open watches end.
   */
  #serve(name: string, crd: KubeObject, def: KindDefinition): void {
    const from = JSON.stringify([crd.spec, (crd.status as { acceptedNames?: unknown } | undefined)?.acceptedNames]);
    const before = this.#served.get(name);
    if (before?.from === from) return;
    this.#served.set(name, { from, def });
    this.#d.registry.setDynamic(name, def);
    if (before) this.#d.watches.endWatchesOf(before.def.group, before.def.plural, revisionOf(crd));
  }

  #forget(crd: KubeObject): Promise<void> {
    const name = crd.metadata.name!;
    const before = this.#served.get(name);
    this.#served.delete(name);
    this.#d.registry.removeDynamic(name);
    if (before) this.#d.watches.endWatchesOf(before.def.group, before.def.plural, revisionOf(crd));
    return Promise.resolve();
  }

  #retryLater(crd: KubeObject): void {
    const timer = setTimeout(() => {
      if (!this.#stop) return;
      this.#chain = this.#chain
        .then(async () => {
          const current = await this.#d.objects.get({ ...this.#crdTarget, name: crd.metadata.name }).catch(() => undefined);
          if (current) await this.#reconcile(current);
        })
        .catch((err: unknown) => this.#d.log.error({ err, crd: crd.metadata.name }, 'CRD cleanup failed'));
    }, 250);
    timer.unref();
  }

  /** Deletes every instance; returns how many still exist (e.g. held by finalizers). */
  async #deleteInstances(def: KindDefinition): Promise<number> {
    const version = def.versions.find((v) => v.storage) ?? def.versions[0]!;
    const target: Target = { def, version, namespace: undefined, name: undefined, subresource: undefined };
    const ctx = this.#ctx();
    const list = await this.#d.objects.list(target, {});
    for (const item of list.items) {
      try {
        await this.#d.objects.delete({ ...target, namespace: item.metadata.namespace, name: item.metadata.name }, { propagationPolicy: 'Background' }, ctx);
      } catch (err) {
        if (!isSkiffError(err, 'SKF_API_NOT_FOUND')) throw err;
      }
    }
    return (await this.#d.objects.list(target, {})).items.length;
  }

  async #write(name: string, mutate: (cur: KubeObject) => KubeObject, subresource?: string): Promise<void> {
    try {
      await this.#d.objects.updateWith({ ...this.#crdTarget, name, subresource }, mutate, { fieldManager: 'apiextensions-apiserver' }, this.#ctx());
    } catch (err) {
      if (!isSkiffError(err, 'SKF_API_NOT_FOUND')) throw err;
    }
  }

  #ctx(): RequestContext {
    return { user: 'system:apiextensions-apiserver', warnings: [] };
  }
}

/** The store revision of a CRD as its watch event carries it (its resourceVersion). */
function revisionOf(crd: KubeObject): number {
  return Number(crd.metadata.resourceVersion ?? 0) || 0;
}
