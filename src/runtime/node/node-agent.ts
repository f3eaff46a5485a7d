/**
 * Registers this machine as a Node and keeps it fresh, as the kubelet does: the Node is
 * created (or adopted) at start; its status is recomputed every 10 s and written when
 * something changed or 5 minutes passed (nodeStatusReportFrequency); the Lease in
 * kube-node-lease is renewed every 10 s (the heartbeat the node lifecycle relies on).
 */
import type { KubeObject } from '../../api/object.ts';
import type { Client } from '../../client/types.ts';
import { isSkiffError } from '../../errors/skiff-error.ts';
import type { Logger } from '../../util/log.ts';
import { apiTime } from '../pods/container-record.ts';
import { machineFacts } from './machine.ts';
import { microTime, newNode, nodeLease, nodeStatus, type NodeConfig } from './node-object.ts';

const NODE = { apiVersion: 'v1', kind: 'Node' } as const;
const LEASE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' } as const;
export const REGISTER_ATTEMPTS = 5;
const HEARTBEAT_MS = 10_000;
const REPORT_MS = 5 * 60_000;
const LEASE_DURATION_SECONDS = 40;

export class NodeAgent {
  readonly #client: Client;
  readonly #config: NodeConfig;
  readonly #dataDir: string;
  readonly #log: Logger;
  #node: KubeObject | undefined;
  #lastReport = 0;
  #lastFingerprint = '';
  #timer: NodeJS.Timeout | undefined;
  #beating: Promise<void> = Promise.resolve();

  constructor(client: Client, config: NodeConfig, dataDir: string, log: Logger) {
    this.#client = client;
    this.#config = { ...config };
    this.#dataDir = dataDir;
    this.#log = log;
  }

  get name(): string {
    return this.#config.name;
  }

  /** Creates or adopts the Node, reports its status and takes the Lease. */
  async start(): Promise<void> {
    await retryOnConflict(() => this.#register());
    this.#timer = setInterval(() => {
      this.#beating = this.#beating.then(() => this.#heartbeat(false)).catch((err: unknown) => this.#log.warn({ err }, 'node heartbeat failed'));
    }, HEARTBEAT_MS);
    this.#timer.unref();
  }

  async #register(): Promise<void> {
    const facts = machineFacts(this.#dataDir);
    const wanted = newNode(this.#config, facts);
    let node = await this.#client.get<KubeObject>(NODE, undefined, this.#config.name);
    if (!node) {
      try {
        node = await this.#client.create(wanted);
      } catch (err) {
        if (!isSkiffError(err, 'SKF_API_ALREADY_EXISTS')) throw err;
        node = (await this.#client.get<KubeObject>(NODE, undefined, this.#config.name))!;
      }
    } else {
      // Keep what users added; refresh the labels the kubelet owns.
      node = await this.#client.update({ ...node, metadata: { ...node.metadata, labels: { ...node.metadata.labels, ...wanted.metadata.labels }, annotations: { ...wanted.metadata.annotations, ...node.metadata.annotations } } });
    }
    this.#node = node;
    await this.#beat(true);
  }

  /** The kubelet server's port (daemonEndpoints.kubeletEndpoint.Port), reported at once. */
  async setKubeletPort(port: number): Promise<void> {
    this.#config.kubeletPort = port;
    this.#beating = this.#beating.then(() => this.#heartbeat(true));
    await this.#beating;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#beating.catch(() => undefined);
  }

  /** Renews the Lease and reports the status when due; a write that meets a conflict is read and made again. */
  #heartbeat(forceReport: boolean): Promise<void> {
    return retryOnConflict(() => this.#beat(forceReport));
  }

  async #beat(forceReport: boolean): Promise<void> {
    await this.#renewLease();
    const current = (await this.#client.get<KubeObject>(NODE, undefined, this.#config.name)) ?? this.#node!;
    this.#node = current;
    const status = nodeStatus(this.#config, machineFacts(this.#dataDir), current.status as never, apiTime());
    const fingerprint = JSON.stringify({ ...status, conditions: (status.conditions as Array<{ type: string; status: string }>).map((c) => [c.type, c.status]) });
    if (!forceReport && fingerprint === this.#lastFingerprint && Date.now() - this.#lastReport < REPORT_MS) return;
    this.#node = await this.#client.updateStatus({ ...current, status });
    this.#lastFingerprint = fingerprint;
    this.#lastReport = Date.now();
  }

  async #renewLease(): Promise<void> {
    const now = microTime();
    const existing = await this.#client.get<KubeObject>(LEASE, 'kube-node-lease', this.#config.name);
    if (!existing) {
      try {
        await this.#client.create(nodeLease(this.#node!, now, LEASE_DURATION_SECONDS));
      } catch (err) {
        if (!isSkiffError(err, 'SKF_API_ALREADY_EXISTS')) throw err;
      }
      return;
    }
    const spec = { ...(existing.spec as object), holderIdentity: this.#config.name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: now };
    await this.#client.update({ ...existing, spec });
  }
}

/**
 * Runs `attempt` again when it meets a conflict, REGISTER_ATTEMPTS times at most. Another
 * kubelet of the same name (two skiff API servers sharing one etcd) may write the Node or
 * its Lease at the same moment; each attempt reads them again, as the kubelet retries its
 * node status updates (nodeStatusUpdateRetry).
 */
async function retryOnConflict(attempt: () => Promise<void>): Promise<void> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isSkiffError(err, 'SKF_API_CONFLICT') || n >= REGISTER_ATTEMPTS) throw err;
    }
  }
}
