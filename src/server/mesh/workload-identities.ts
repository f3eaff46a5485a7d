/**
 * The node proxy's one source of mesh workload certificates, as the Istio agent's SDS is for
 * the proxies of one pod: every consumer in skiff's process (gateways, sidecars, the
 * activator and the autoscaler's scraper through mesh-tls) asks here, so a service account's
 * certificate is issued once per mesh, namespace and service account, not once per consumer.
 *
 * - Concurrent first requests share one issuance (the entry holds the in-flight promise).
 * - A certificate is handed out until its renewal time (half its lifetime, as the agent
 *   rotates); then the next request issues a fresh one. Renewal listeners are told at that
 *   moment, so proxies recompile and new handshakes get the fresh certificate.
 * - A failed renewal keeps handing out the old certificate while it is still valid (the agent
 *   keeps serving its certificate until expiry when the CA cannot be reached).
 * - A mesh without a CA (yet) is believed for a back-off (1 s, doubling to 10 s) instead of
 *   asking the API on every connection; `caChanged(mesh)` (a CA Secret event) ends it at once.
 */
import type { Client } from '../../client/types.ts';
import { issueWorkloadCertificate, loadMeshCa, type IssueOptions, type MeshCa, type WorkloadCertificate, type WorkloadIdentity } from '../../mesh/pki/index.ts';
import type { Logger } from '../../util/log.ts';

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 10_000;
/** Never wake up for a renewal sooner than this (a certificate already due would spin). */
const MIN_RENEWAL_DELAY_MS = 1_000;

export interface WorkloadIdentitiesOptions {
  /** The CA of the mesh whose control plane is in `meshNamespace`; undefined while it has none. */
  loadCa(meshNamespace: string, now: Date): Promise<MeshCa | undefined>;
  /** Defaults to the mesh CA's issueWorkloadCertificate (tests count issuances through it). */
  issue?(ca: MeshCa, id: WorkloadIdentity, opts: IssueOptions): Promise<WorkloadCertificate>;
  log: Logger;
  /** Requested certificate lifetime (default the CA's 24 h). */
  ttlMs?: number;
  /** The clock (tests). */
  now?(): Date;
}

interface Entry {
  /** The certificate being handed out (the last one issued), if any. */
  current?: WorkloadCertificate;
  /** The issuance under way: callers arriving meanwhile wait for it instead of issuing again. */
  pending?: Promise<WorkloadCertificate | undefined>;
  /** After a failure: not before this time (ms) is the CA asked again. */
  retryAt: number;
  /** The back-off that follows the next failure. */
  nextRetryMs: number;
  renewalTimer?: NodeJS.Timeout;
}

export class WorkloadIdentities {
  readonly #entries = new Map<string, Entry>();
  readonly #renewalListeners: Array<() => void> = [];
  /** Per mesh, how many CA changes were heard: a miss seen across a change is not believed. */
  readonly #caChanges = new Map<string, number>();
  readonly #opts: WorkloadIdentitiesOptions;
  readonly #now: () => Date;
  #stopped = false;

  constructor(opts: WorkloadIdentitiesOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? (() => new Date());
  }

  /** Certificates from the CA Secrets of the meshes, read through the Client. */
  static overClient(client: Client, log: Logger): WorkloadIdentities {
    return new WorkloadIdentities({ loadCa: (mesh, now) => loadMeshCa(client, mesh, now), log });
  }

  /** Called whenever a certificate handed out reaches its renewal time. */
  onRenewal(listener: () => void): void {
    this.#renewalListeners.push(listener);
  }

  /** The workload certificate of `namespace/serviceAccount` in the mesh of `meshNamespace`; undefined while the mesh has no CA. Never rejects. */
  certificate(meshNamespace: string, workload: WorkloadIdentity): Promise<WorkloadCertificate | undefined> {
    const key = `${meshNamespace}|${workload.namespace}|${workload.serviceAccount}`;
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { retryAt: 0, nextRetryMs: FIRST_RETRY_MS };
      this.#entries.set(key, entry);
    }
    if (entry.pending) return entry.pending;
    const now = this.#now();
    const usable = entry.current && entry.current.notAfter > now ? entry.current : undefined;
    if (usable && usable.renewAt > now) return Promise.resolve(usable);
    if (now.getTime() < entry.retryAt) return Promise.resolve(usable);
    const pending = this.#issue(entry, meshNamespace, workload, now).finally(() => {
      entry.pending = undefined;
    });
    entry.pending = pending;
    return pending;
  }

  /** A CA Secret of the mesh changed: forget the "no CA" back-offs so the next request asks again. */
  caChanged(meshNamespace: string): void {
    this.#caChanges.set(meshNamespace, (this.#caChanges.get(meshNamespace) ?? 0) + 1);
    for (const [key, entry] of this.#entries) {
      if (!key.startsWith(`${meshNamespace}|`)) continue;
      entry.retryAt = 0;
      entry.nextRetryMs = FIRST_RETRY_MS;
    }
  }

  stop(): void {
    this.#stopped = true;
    for (const entry of this.#entries.values()) clearTimeout(entry.renewalTimer);
  }

  async #issue(entry: Entry, meshNamespace: string, workload: WorkloadIdentity, now: Date): Promise<WorkloadCertificate | undefined> {
    const caChangesBefore = this.#caChanges.get(meshNamespace) ?? 0;
    let issued: WorkloadCertificate | undefined;
    try {
      const ca = await this.#opts.loadCa(meshNamespace, now);
      if (ca) issued = await (this.#opts.issue ?? issueWorkloadCertificate)(ca, workload, { now, ...(this.#opts.ttlMs !== undefined ? { ttlMs: this.#opts.ttlMs } : {}) });
    } catch (err) {
      this.#opts.log.warn({ err, mesh: meshNamespace, workload: `${workload.namespace}/${workload.serviceAccount}` }, 'mesh: cannot issue the workload certificate');
    }
    if (!issued) {
      // The CA Secret changed while this was loading it: what it found may be stale, ask again next time.
      if ((this.#caChanges.get(meshNamespace) ?? 0) === caChangesBefore) {
        entry.retryAt = now.getTime() + entry.nextRetryMs;
        entry.nextRetryMs = Math.min(entry.nextRetryMs * 2, MAX_RETRY_MS);
      }
      // The previous certificate, while valid, beats plaintext.
      return entry.current && entry.current.notAfter > this.#now() ? entry.current : undefined;
    }
    entry.current = issued;
    entry.retryAt = 0;
    entry.nextRetryMs = FIRST_RETRY_MS;
    this.#scheduleRenewal(entry, issued, now);
    return issued;
  }

  #scheduleRenewal(entry: Entry, cert: WorkloadCertificate, now: Date): void {
    clearTimeout(entry.renewalTimer);
    if (this.#stopped) return;
    entry.renewalTimer = setTimeout(() => {
      entry.renewalTimer = undefined;
      for (const listener of this.#renewalListeners) listener();
    }, Math.max(MIN_RENEWAL_DELAY_MS, cert.renewAt.getTime() - now.getTime()));
    entry.renewalTimer.unref();
  }
}
