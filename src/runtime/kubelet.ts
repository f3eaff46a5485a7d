/**
 * skiff's kubelet: pods bound to this machine run as local processes. `startRuntime`
 * ends whatever an earlier run left behind, prepares the programs, starts the watchdog and
 * the warm process pool, registers the Node (with its Lease heartbeat) and starts a pod
 * worker per bound pod. `stop()` stops every container (grace capped) and leaves the pods
 * in the API; the next start runs each of them again, exactly once (docs/runtime.md).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { availableParallelism, homedir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '../client/types.ts';
import type { Logger } from '../util/log.ts';
import { EventRecorder } from './events/recorder.ts';
import { ImageService } from './images/image-service.ts';
import { podLogsRootOf, runtimeDirOf } from './logs/layout.ts';
import { claimCidr, loopbackCandidates, netnsCandidates } from './network/cidr-claims.ts';
import { createPodNetwork } from './network/create.ts';
import type { PodNetworkMode } from './network/pod-network.ts';
import { PolicyEnforcer, type PolicyEnforcementStatus } from './network/policy-enforcer.ts';
import { machineFacts, defaultNodeName } from './node/machine.ts';
import { NodeAgent } from './node/node-agent.ts';
import { allocatableOf } from './node/node-object.ts';
import { Backoff } from './pods/backoff.ts';
import { memoryVolumesRoot, prepareMemoryVolumesRoot } from './pods/memory-volumes.ts';
import { PodManager, ReferencedObjects } from './pods/pod-manager.ts';
import type { PodWorker } from './pods/pod-worker.ts';
import type { RuntimeContext } from './pods/runtime-context.ts';
import { bundleRuntimePrograms } from './process/bundler.ts';
import { ProcessLauncher } from './process/launcher.ts';
import { killMarkedProcesses, RUNTIME_ID_ENV } from './process/proc.ts';
import { startWatchdog } from './process/watchdog.ts';
import { ImageHostPool } from './process/image-hosts.ts';

/** The kubelet's Event client rate limit (its eventRecordQPS and eventBurst defaults). */
const KUBELET_EVENT_RATE = { qps: 50, burst: 100 };
import { ZygotePool } from './process/zygote-pool.ts';

export interface RuntimeOptions {
  client: Client;
  dataDir: string;
  log: Logger;
  /** The Node's name (default: the host name, or `skiff-node`). */
  nodeName?: string;
  /** `loopback` (default) or `netns` (root). */
  podNetwork?: PodNetworkMode;
  /** Loopback mode: the address the cluster DNS server answers on (netns mode uses the bridge address). */
  clusterDns?: string;
  /** Pod CIDR (default: the first free of 127.244.0.0/16, 127.245.0.0/16 … in loopback mode; 10.244.0.0/16 … in netns mode). */
  podCIDR?: string;
  /** What the Node reports as kubeletVersion. */
  kubeletVersion: string;
  /** The token a serviceAccountToken projection receives (docs/runtime.md). */
  serviceAccountToken(): string;
  /** Warm Node processes kept for built-in images run as processes of their own (default 2). */
  warmProcesses?: number;
  /** Longest grace period `skiff down` waits for a container (default 10 s). */
  shutdownGraceSeconds?: number;
  /** The kubelet server's port, if it is already known. */
  kubeletPort?: number;
}

/** What other parts of skiff (the kubelet server: logs, exec, port-forward) use. */
export interface KubeletHandle {
  readonly nodeName: string;
  readonly runtimeId: string;
  /** Root of the container logs (logs/layout.ts). */
  readonly logsRoot: string;
  /** The worker of a pod on this node (its sandbox address and running instances). */
  pod(namespace: string, name: string): PodWorker | undefined;
  /** Reports the kubelet server's port in the Node's daemonEndpoints. */
  setKubeletPort(port: number): Promise<void>;
}

export interface RunningRuntime extends KubeletHandle {
  health(): { name: string; healthy: boolean; message?: string };
  /** Whether NetworkPolicy is enforced, and how many pods it isolates. */
  networkPolicy(): PolicyEnforcementStatus;
  stop(): Promise<void>;
}

export async function startRuntime(opts: RuntimeOptions): Promise<RunningRuntime> {
  const log = opts.log;
  const runtimeDir = runtimeDirOf(opts.dataDir);
  await mkdir(runtimeDir, { recursive: true });
  const runtimeId = createHash('sha256').update(await realpath(opts.dataDir)).digest('hex').slice(0, 16);

  // Processes of an earlier run (skiff killed with -9 and its watchdog gone too) end now.
  const leftovers = await killMarkedProcesses(runtimeId);
  if (leftovers > 0) log.warn({ processes: leftovers }, 'ended container processes left by an earlier run');

  // Memory-backed volumes of an earlier run go: its pods start again and write them anew.
  const shm = await memoryVolumesRoot(runtimeId);
  const prepared = shm === undefined ? undefined : await prepareMemoryVolumesRoot(shm);
  if (prepared && 'refused' in prepared) log.warn({ reason: prepared.refused }, 'memory-backed volumes stay on disk');
  const memoryVolumes = prepared && 'root' in prepared ? prepared.root : undefined;

  const programs = await bundleRuntimePrograms(join(runtimeDir, 'bin'));
  const watchdog = await startWatchdog(programs.watchdog, runtimeId, memoryVolumes);
  const cleanups: Array<() => Promise<void>> = [() => watchdog.release()];
  const undo = async () => {
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => log.warn({ err }, 'runtime shutdown step failed'));
  };
  try {
    const mode = opts.podNetwork ?? 'loopback';
    // Pod addresses must not collide with another skiff instance's on this machine.
    const rememberedCidr = join(runtimeDir, 'pod-cidr');
    const claim = await claimCidr({
      candidates: opts.podCIDR ? [opts.podCIDR] : mode === 'loopback' ? loopbackCandidates() : netnsCandidates(),
      exact: opts.podCIDR !== undefined,
      dataDir: await realpath(opts.dataDir),
      preferred: (await readFile(rememberedCidr, 'utf8').catch(() => '')).trim() || undefined,
    });
    cleanups.push(() => claim.release());
    await writeFile(rememberedCidr, `${claim.cidr}\n`);
    // Cluster DNS answers from Services and Endpoints.
    const referenced = new ReferencedObjects(opts.client, log, mode === 'netns' || opts.clusterDns !== undefined);
    const network = await createPodNetwork({
      mode, cidr: claim.cidr, runtimeId, objects: referenced, log, resolvDir: join(runtimeDir, 'resolv'),
      ...(opts.clusterDns ? { clusterDns: opts.clusterDns } : {}),
    });
    cleanups.push(() => network.stop());
    // The network plugin's policy agent (docs/network-policy.md).
    const policy = network.policySupport.enforced
      ? new PolicyEnforcer({ client: opts.client, log, runtimeId, podCidr: network.cidr })
      : undefined;
    if (policy) {
      await policy.start();
      cleanups.push(() => policy.stop());
    } else if (!network.policySupport.enforced) {
      log.warn({ reason: network.policySupport.reason }, 'NetworkPolicy is not enforced');
    }
    const policyStatus = (): PolicyEnforcementStatus => policy?.status() ?? { enforced: false, message: network.policySupport.enforced ? 'not started' : network.policySupport.reason, isolatedPods: 0, policies: 0 };
    const zygotes = mode === 'loopback' ? new ZygotePool({
      script: programs.zygote,
      size: opts.warmProcesses ?? 2,
      concurrency: Math.max(1, availableParallelism()),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', [RUNTIME_ID_ENV]: runtimeId },
      log,
    }) : undefined;
    cleanups.push(async () => zygotes?.stop());
    const imageHosts = mode === 'loopback' ? new ImageHostPool({
      script: programs.imageHost,
      maxHosts: Math.max(1, availableParallelism()),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', [RUNTIME_ID_ENV]: runtimeId },
    }) : undefined;
    cleanups.push(async () => imageHosts?.stop());

    const nodeName = opts.nodeName ?? defaultNodeName();
    const node = new NodeAgent(opts.client, {
      name: nodeName, internalIP: network.hostIP, podCIDR: network.cidr, kubeletPort: opts.kubeletPort ?? 0,
      kubeletVersion: opts.kubeletVersion, runtimeVersion: `skiff://${opts.kubeletVersion.replace(/^v/, '')}`, maxPods: 110,
    }, opts.dataDir, log);
    await node.start();
    cleanups.push(() => node.stop());

    const events = new EventRecorder(opts.client, { component: 'kubelet', host: nodeName }, log, undefined, KUBELET_EVENT_RATE);
    cleanups.push(() => events.flush());
    const ctx: RuntimeContext = {
      client: opts.client,
      log,
      events,
      nodeName,
      runtimeId,
      podsDir: join(runtimeDir, 'pods'),
      ...(memoryVolumes !== undefined ? { memoryPodsDir: join(memoryVolumes, 'pods') } : {}),
      logsRoot: podLogsRootOf(opts.dataDir),
      caches: referenced,
      images: new ImageService(opts.dataDir, programs),
      launcher: new ProcessLauncher({ runtimeId, programs, ...(zygotes ? { zygotes } : {}), ...(imageHosts ? { imageHosts } : {}) }),
      network,
      containerBackoff: new Backoff(),
      imageBackoff: new Backoff(),
      allocatable: allocatableOf(machineFacts(opts.dataDir)),
      serviceAccountToken: opts.serviceAccountToken,
      hostEnv: { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: process.env.HOME ?? homedir() },
    };
    const pods = new PodManager(ctx);
    await referenced.start((ns) => pods.pokeNamespace(ns));
    cleanups.push(async () => referenced.stop());
    await pods.start();
    cleanups.push(() => pods.shutdown(opts.shutdownGraceSeconds ?? 10));
    log.info({ node: nodeName, podNetwork: mode, podCIDR: network.cidr }, 'runtime started');

    let stopping: Promise<void> | undefined;
    return {
      nodeName,
      runtimeId,
      logsRoot: ctx.logsRoot,
      pod: (namespace, name) => pods.find(namespace, name),
      setKubeletPort: (port) => node.setKubeletPort(port),
      health: () => ({ name: 'runtime', healthy: true, message: `${pods.count} pods on node ${nodeName} (${mode} pod network; NetworkPolicy ${policyStatus().enforced ? 'enforced' : 'not enforced'})` }),
      networkPolicy: policyStatus,
      stop: () => (stopping ??= undo()),
    };
  } catch (err) {
    await undo();
    throw err;
  }
}
