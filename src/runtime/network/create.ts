/** Picks the pod network for `skiff up --pod-network`. */
import type { Logger } from '../../util/log.ts';
import { LoopbackNetwork, type PodNetwork, type PodNetworkMode } from './pod-network.ts';

export async function createPodNetwork(mode: PodNetworkMode, cidr: string, _runtimeDir: string, _log: Logger): Promise<PodNetwork> {
  if (mode === 'loopback') return new LoopbackNetwork(cidr);
  throw new Error(`unknown pod network mode ${JSON.stringify(mode)}`);
}
