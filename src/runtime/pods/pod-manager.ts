/**
 * Keeps one PodWorker per pod bound to this node (by uid: a pod deleted and recreated under
 * the same name is a new pod), fed by an informer on `spec.nodeName=<node>`. ConfigMaps,
 * Secrets and Services are cached by informers too (env and volumes read them); a change
 * to one pokes the pods of its namespace, so volumes follow ConfigMap edits and pods stuck
 * on a missing reference start as soon as it appears.
 */
import type { KubeObject } from '../../api/object.ts';
import { Informer } from '../../client/informer.ts';
import type { Client } from '../../client/types.ts';
import type { Logger } from '../../util/log.ts';
import { PodWorker } from './pod-worker.ts';
import type { ObjectCaches, RuntimeContext } from './runtime-context.ts';

const CONFIG_MAP = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
const SECRET = { apiVersion: 'v1', kind: 'Secret' } as const;
const SERVICE = { apiVersion: 'v1', kind: 'Service' } as const;
const ENDPOINTS = { apiVersion: 'v1', kind: 'Endpoints' } as const;
const POD = { apiVersion: 'v1', kind: 'Pod' } as const;

/** Informers on the objects pods reference, readable as ObjectCaches. */
export class ReferencedObjects implements ObjectCaches {
  readonly configMaps: Informer;
  readonly secrets: Informer;
  readonly serviceInformer: Informer;
  /** Only for the cluster DNS of the netns pod network (headless services). */
  readonly endpointsInformer: Informer | undefined;

  constructor(client: Client, log: Logger, withEndpoints = false) {
    this.configMaps = new Informer(client, CONFIG_MAP, {}, log);
    this.secrets = new Informer(client, SECRET, {}, log);
    this.serviceInformer = new Informer(client, SERVICE, {}, log);
    this.endpointsInformer = withEndpoints ? new Informer(client, ENDPOINTS, {}, log) : undefined;
  }

  async start(onChange: (namespace: string) => void): Promise<void> {
    for (const informer of [this.configMaps, this.secrets, this.serviceInformer]) {
      const changed = (o: KubeObject) => onChange(o.metadata.namespace ?? '');
      informer.addHandlers({ add: changed, update: (_old, o) => changed(o), delete: changed });
      await informer.start();
    }
    await this.endpointsInformer?.start();
  }

  stop(): void {
    this.configMaps.stop();
    this.secrets.stop();
    this.serviceInformer.stop();
    this.endpointsInformer?.stop();
  }

  service(namespace: string, name: string): KubeObject | undefined {
    return this.serviceInformer.get(`${namespace}/${name}`);
  }

  endpoints(namespace: string, name: string): KubeObject | undefined {
    return this.endpointsInformer?.get(`${namespace}/${name}`);
  }

  configMap(namespace: string, name: string): KubeObject | undefined {
    return this.configMaps.get(`${namespace}/${name}`);
  }

  secret(namespace: string, name: string): KubeObject | undefined {
    return this.secrets.get(`${namespace}/${name}`);
  }

  services(namespace: string): KubeObject[] {
    return this.serviceInformer.list().filter((s) => s.metadata.namespace === namespace || (s.metadata.namespace === 'default' && s.metadata.name === 'kubernetes'));
  }
}

export class PodManager {
  readonly #ctx: RuntimeContext;
  readonly #pods: Informer;
  readonly #workers = new Map<string, PodWorker>();
  #stopping = false;

  constructor(ctx: RuntimeContext) {
    this.#ctx = ctx;
    this.#pods = new Informer(ctx.client, POD, { fieldSelector: `spec.nodeName=${ctx.nodeName}` }, ctx.log);
  }

  async start(): Promise<void> {
    this.#pods.addHandlers({
      add: (pod) => this.#observe(pod),
      update: (_old, pod) => this.#observe(pod),
      delete: (pod) => this.#workers.get(pod.metadata.uid!)?.remove(),
    });
    await this.#pods.start();
  }

  /** Pokes every pod of a namespace (a ConfigMap, Secret or Service there changed). */
  pokeNamespace(namespace: string): void {
    for (const w of this.#workers.values()) if (w.pod.metadata.namespace === namespace) w.poke();
  }

  /** The worker of a pod by namespace and name. */
  find(namespace: string, name: string): PodWorker | undefined {
    for (const w of this.#workers.values()) if (w.pod.metadata.namespace === namespace && w.pod.metadata.name === name) return w;
    return undefined;
  }

  get count(): number {
    return this.#workers.size;
  }

  /** skiff is stopping: every container stops (grace capped); pods stay in the API. */
  async shutdown(graceCapSeconds: number): Promise<void> {
    this.#stopping = true;
    this.#pods.stop();
    await Promise.all([...this.#workers.values()].map((w) => w.shutdown(graceCapSeconds)));
  }

  #observe(pod: KubeObject): void {
    if (this.#stopping) return;
    const uid = pod.metadata.uid!;
    let worker = this.#workers.get(uid);
    if (!worker) {
      worker = new PodWorker(this.#ctx, pod);
      this.#workers.set(uid, worker);
      const created = worker;
      void created.done.then(() => {
        if (this.#workers.get(uid) === created) this.#workers.delete(uid);
      });
    }
    worker.update(pod);
  }
}
