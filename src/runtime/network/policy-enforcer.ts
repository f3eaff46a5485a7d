/**
 * The network plugin's policy agent: keeps the kernel's NetworkPolicy table (one per
 * runtime) equal to what the API holds. It watches NetworkPolicies, Pods and Namespaces,
 * and on any change (coalesced) compiles them with the engine
 * (src/dataplane/network-policy/), renders one nftables table and swaps it in atomically.
 *
 * Policies select sources by pod; the kernel sees pod addresses, because in the loopback
 * network every pod's connections leave with its pod IP (kernel/pod-sources.ts) and skiff's
 * in-process pods (gateways, the activator) bind theirs. It runs in the loopback network
 * only (the netns network bridges pods at layer 2, out of this table's sight). A meshed
 * pod's inner address is its too, so a client cannot slip past its policy by dialling the
 * app behind the sidecar.
 */
import type { KubeObject } from '../../api/object.ts';
import { Informer } from '../../client/informer.ts';
import type { Client } from '../../client/types.ts';
import { compileNetworkPolicies, renderPolicyRuleset, type NetworkPolicy, type PolicyNamespace, type PolicyPod } from '../../dataplane/network-policy/index.ts';
import type { Logger } from '../../util/log.ts';
import { innerAddressOf, isMeshedPod } from './inner-address.ts';
import { runNft } from './kernel/nft.ts';
import { TABLE_COMMENT } from './kernel/pod-sources.ts';

const NETWORK_POLICY = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' } as const;
const POD = { apiVersion: 'v1', kind: 'Pod' } as const;
const NAMESPACE = { apiVersion: 'v1', kind: 'Namespace' } as const;
const COALESCE_MS = 20;

export interface PolicyEnforcerOptions {
  client: Client;
  log: Logger;
  runtimeId: string;
  /** The loopback network's pod CIDR (the only network it enforces in: meshed pods' inner addresses are in its upper half). */
  podCidr: string;
}

export interface PolicyEnforcementStatus {
  enforced: boolean;
  /** Why policies are not enforced, or the last error applying them. */
  message?: string;
  /** Pods isolated for ingress by at least one policy, as of the last table applied. */
  isolatedPods: number;
  policies: number;
}

export class PolicyEnforcer {
  readonly #o: PolicyEnforcerOptions;
  readonly #table: string;
  readonly #policies: Informer<KubeObject>;
  readonly #pods: Informer<KubeObject>;
  readonly #namespaces: Informer<KubeObject>;
  #timer: NodeJS.Timeout | undefined;
  #applying: Promise<void> = Promise.resolve();
  #stopped = false;
  /** The script last accepted by the kernel. */
  #applied = '';
  #status: PolicyEnforcementStatus = { enforced: true, isolatedPods: 0, policies: 0 };

  constructor(o: PolicyEnforcerOptions) {
    this.#o = o;
    this.#table = `skiff_${o.runtimeId}_policy`;
    this.#policies = new Informer(o.client, NETWORK_POLICY, {}, o.log);
    this.#pods = new Informer(o.client, POD, {}, o.log);
    this.#namespaces = new Informer(o.client, NAMESPACE, {}, o.log);
  }

  async start(): Promise<void> {
    const changed = () => this.#schedule();
    for (const informer of [this.#policies, this.#pods, this.#namespaces]) {
      informer.addHandlers({ add: changed, update: (a, b) => (this.#matters(a, b) ? changed() : undefined), delete: changed });
    }
    await Promise.all([this.#policies.start(), this.#pods.start(), this.#namespaces.start()]);
    await this.#apply();
  }

  status(): PolicyEnforcementStatus {
    return this.#status;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    for (const informer of [this.#policies, this.#pods, this.#namespaces]) informer.stop();
    await this.#applying;
    await runNft(`delete table ip ${this.#table}\n`).catch(() => undefined);
  }

  /** Pod status churns (conditions, restarts); only what the table depends on triggers a render. */
  #matters(a: KubeObject, b: KubeObject): boolean {
    if (b.kind !== 'Pod') return true;
    const facts = (o: KubeObject) => JSON.stringify([o.metadata.labels, isMeshedPod(o), (o.status as PolicyPod['status'])?.podIP, (o.status as PolicyPod['status'])?.phase, (o.spec as PolicyPod['spec'])?.containers?.map((c) => c.ports)]);
    return facts(a) !== facts(b);
  }

  #schedule(): void {
    if (this.#stopped || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#applying = this.#applying.then(() => this.#apply());
    }, COALESCE_MS);
  }

  async #apply(): Promise<void> {
    if (this.#stopped) return;
    const { podCidr } = this.#o;
    const policies = this.#policies.list() as NetworkPolicy[];
    const index = compileNetworkPolicies({
      policies,
      // Without a policy no pod is isolated and the table names no pod: indexing them is wasted.
      pods: policies.length === 0 ? [] : this.#pods.list() as PolicyPod[],
      namespaces: this.#namespaces.list() as PolicyNamespace[],
      extraAddresses: (pod: PolicyPod) => innerAddressesOf(pod, podCidr),
    });
    for (const error of index.errors) this.#o.log.warn({ error }, 'NetworkPolicy skipped');
    const script = renderPolicyRuleset(index, { table: this.#table, comment: `${TABLE_COMMENT} ${process.pid}`, podCidr });
    // Most changes (a pod starting where no policy selects anything) leave the table as it is.
    if (script === this.#applied) {
      this.#status = { enforced: true, isolatedPods: index.ingressSelecting.size, policies: index.policies.length };
      return;
    }
    try {
      await runNft(script);
      this.#applied = script;
      this.#status = { enforced: true, isolatedPods: index.ingressSelecting.size, policies: index.policies.length };
    } catch (err) {
      this.#status = { ...this.#status, message: `cannot program the kernel's NetworkPolicy table: ${(err as Error).message}` };
      this.#o.log.warn({ err }, 'NetworkPolicy table not applied; the previous one stays');
    }
  }
}

function innerAddressesOf(pod: PolicyPod, podCidr: string): string[] {
  const ip = pod.status?.podIP;
  if (!ip || !isMeshedPod(pod as KubeObject)) return [];
  try {
    return [innerAddressOf(ip, podCidr)];
  } catch {
    return [];
  }
}
