/**
 * The Node object the runtime registers for this machine, and its status, as the kubelet
 * reports them: labels, capacity and allocatable (cpu, memory, pods, ephemeral-storage,
 * hugepages), addresses (InternalIP, Hostname), the four conditions with the kubelet's
 * reasons and messages, daemonEndpoints (the kubelet's own port) and nodeInfo. Pure: the
 * machine facts come in, the object goes out.
 */
import type { KubeObject } from '../../api/object.ts';

export interface MachineFacts {
  hostname: string;
  cpus: number;
  memoryBytes: number;
  /** Memory the kernel could give now (MemAvailable). */
  availableMemoryBytes: number;
  diskBytes: number;
  availableDiskBytes: number;
  arch: string;
  kernelVersion: string;
  osImage: string;
  machineID: string;
  systemUUID: string;
  bootID: string;
}

export interface NodeConfig {
  name: string;
  internalIP: string;
  podCIDR: string;
  kubeletPort: number;
  kubeletVersion: string;
  runtimeVersion: string;
  maxPods: number;
}

/** The kubelet's default hard eviction thresholds, which allocatable subtracts. */
const MEMORY_EVICTION_BYTES = 100 * 2 ** 20;
const DISK_EVICTION_FRACTION = 0.1;

export function goArch(nodeArch: string): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[nodeArch] ?? nodeArch;
}

export function nodeLabels(config: NodeConfig, facts: MachineFacts): Record<string, string> {
  const arch = goArch(facts.arch);
  return {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': config.name,
    'kubernetes.io/os': 'linux',
    'node-role.kubernetes.io/control-plane': '',
  };
}

export function newNode(config: NodeConfig, facts: MachineFacts): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: config.name,
      labels: nodeLabels(config, facts),
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR: config.podCIDR, podCIDRs: [config.podCIDR] },
  };
}

type Condition = { type: string; status: 'True' | 'False'; reason: string; message: string; lastHeartbeatTime: string; lastTransitionTime: string };

export function nodeStatus(config: NodeConfig, facts: MachineFacts, previous: { conditions?: Condition[] } | undefined, now: string): Record<string, unknown> {
  const kib = (bytes: number) => `${Math.floor(bytes / 1024)}Ki`;
  const capacity = {
    cpu: String(facts.cpus),
    'ephemeral-storage': kib(facts.diskBytes),
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: kib(facts.memoryBytes),
    pods: String(config.maxPods),
  };
  const allocatable = {
    ...capacity,
    'ephemeral-storage': String(Math.floor(facts.diskBytes * (1 - DISK_EVICTION_FRACTION))),
    memory: kib(Math.max(0, facts.memoryBytes - MEMORY_EVICTION_BYTES)),
  };
  const memoryPressure = facts.availableMemoryBytes < MEMORY_EVICTION_BYTES;
  const diskPressure = facts.availableDiskBytes < facts.diskBytes * DISK_EVICTION_FRACTION;
  const prior = new Map((previous?.conditions ?? []).map((c) => [c.type, c]));
  const condition = (type: string, status: 'True' | 'False', reason: string, message: string): Condition => ({
    type, status, reason, message, lastHeartbeatTime: now,
    lastTransitionTime: prior.get(type)?.status === status ? prior.get(type)!.lastTransitionTime : now,
  });
  return {
    capacity,
    allocatable,
    conditions: [
      memoryPressure
        ? condition('MemoryPressure', 'True', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available')
        : condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      diskPressure
        ? condition('DiskPressure', 'True', 'KubeletHasDiskPressure', 'kubelet has disk pressure')
        : condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
    ],
    addresses: [{ type: 'InternalIP', address: config.internalIP }, { type: 'Hostname', address: facts.hostname }],
    daemonEndpoints: { kubeletEndpoint: { Port: config.kubeletPort } },
    nodeInfo: {
      architecture: goArch(facts.arch),
      bootID: facts.bootID,
      containerRuntimeVersion: config.runtimeVersion,
      kernelVersion: facts.kernelVersion,
      kubeProxyVersion: '',
      kubeletVersion: config.kubeletVersion,
      machineID: facts.machineID,
      operatingSystem: 'linux',
      osImage: facts.osImage,
      systemUUID: facts.systemUUID,
    },
  };
}

/** Allocatable in base units, for resourceFieldRef defaults. */
export function allocatableOf(facts: MachineFacts): { cpu: number; memory: number; 'ephemeral-storage': number } {
  return { cpu: facts.cpus, memory: Math.max(0, facts.memoryBytes - MEMORY_EVICTION_BYTES), 'ephemeral-storage': Math.floor(facts.diskBytes * (1 - DISK_EVICTION_FRACTION)) };
}

/** The node's Lease in kube-node-lease, renewed as the kubelet's heartbeat. */
export function nodeLease(node: KubeObject, renewTime: string, durationSeconds: number): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: node.metadata.name!,
      namespace: 'kube-node-lease',
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name!, uid: node.metadata.uid! }],
    },
    spec: { holderIdentity: node.metadata.name!, leaseDurationSeconds: durationSeconds, renewTime },
  };
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
export function microTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
