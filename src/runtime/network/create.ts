/** Picks the pod network for `skiff up --pod-network`. */
import type { Logger } from '../../util/log.ts';
import type { ClusterObjects } from './dns/cluster-names.ts';
import { NetnsNetwork } from './netns-network.ts';
import { LoopbackNetwork, type PodNetwork, type PodNetworkMode } from './pod-network.ts';

export async function createPodNetwork(mode: PodNetworkMode, cidr: string, runtimeId: string, objects: ClusterObjects, log: Logger): Promise<PodNetwork> {
  if (mode === 'loopback') return new LoopbackNetwork(cidr);
  if (mode === 'netns') return NetnsNetwork.create(cidr, runtimeId, objects, log);
  throw new Error(`unknown pod network mode ${JSON.stringify(mode)} (loopback or netns)`);
}
