/** Picks the pod network for `skiff up --pod-network`. */
import type { Logger } from '../../util/log.ts';
import type { ClusterObjects } from './dns/cluster-names.ts';
import { NetnsNetwork } from './netns-network.ts';
import { LoopbackNetwork, type PodNetwork, type PodNetworkMode } from './pod-network.ts';

export interface PodNetworkOptions {
  mode: PodNetworkMode;
  cidr: string;
  runtimeId: string;
  objects: ClusterObjects;
  /** Loopback mode: the cluster DNS address (none: pods use the host resolver). */
  clusterDns?: string;
  /** Loopback mode: where pods' resolv.conf files are written. */
  resolvDir: string;
  log: Logger;
}

export async function createPodNetwork({ mode, cidr, runtimeId, objects, clusterDns, resolvDir, log }: PodNetworkOptions): Promise<PodNetwork> {
  if (mode === 'loopback') return LoopbackNetwork.create(cidr, runtimeId, clusterDns ? { address: clusterDns, dir: resolvDir, objects, log } : undefined, log);
  if (mode === 'netns') return NetnsNetwork.create(cidr, runtimeId, objects, log);
  throw new Error(`unknown pod network mode ${JSON.stringify(mode)} (loopback or netns)`);
}
