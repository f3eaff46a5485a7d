/**
 * What every pod worker shares: the API client, the event recorder, caches of the objects
 * pods reference, the image service, the process launcher, the pod network, back-off state
 * and the node's directories and facts.
 */
import type { KubeObject } from '../../api/object.ts';
import type { Client } from '../../client/types.ts';
import type { Logger } from '../../util/log.ts';
import type { EventRecorder } from '../events/recorder.ts';
import type { ImageService } from '../images/image-service.ts';
import type { PodNetwork } from '../network/pod-network.ts';
import type { ProcessLauncher } from '../process/launcher.ts';
import type { Backoff } from './backoff.ts';
import type { PodFacts } from './env.ts';

export interface ObjectCaches {
  configMap(namespace: string, name: string): KubeObject | undefined;
  secret(namespace: string, name: string): KubeObject | undefined;
  services(namespace: string): KubeObject[];
}

export interface RuntimeContext {
  client: Client;
  log: Logger;
  events: EventRecorder;
  nodeName: string;
  runtimeId: string;
  /** <dataDir>/runtime/pods: one folder per pod uid (volumes, container scratch dirs). */
  podsDir: string;
  /**
   * /dev/shm/skiff-<runtime id>/pods: one folder per pod uid for its memory-backed volumes
   * (memory-volumes.ts); undefined without a tmpfs, and those volumes stay in podsDir.
   */
  memoryPodsDir?: string;
  /** <dataDir>/runtime/pod-logs (logs/layout.ts). */
  logsRoot: string;
  caches: ObjectCaches;
  images: ImageService;
  launcher: ProcessLauncher;
  network: PodNetwork;
  containerBackoff: Backoff;
  imageBackoff: Backoff;
  allocatable: PodFacts['allocatable'];
  /** The token serviceAccountToken projections receive (docs/runtime.md). */
  serviceAccountToken(): string;
  /** PATH and HOME the host gives programs (the container's env may override them). */
  hostEnv: { PATH: string; HOME: string };
}

export const POD = { apiVersion: 'v1', kind: 'Pod' } as const;

/** `name_namespace(uid)`, the kubelet's format.Pod. */
export function formatPod(pod: KubeObject): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}
