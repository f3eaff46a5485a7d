/**
 * What each pod volume contains, computed from the pod spec and the objects it references
 * (pure; volume-manager.ts writes it). ConfigMap, Secret, downwardAPI and projected volumes
 * are sets of files with modes; emptyDir is an empty directory; hostPath is the host path
 * itself. A missing non-optional reference is a VolumeError, reported as the kubelet's
 * FailedMount event (`MountVolume.SetUp failed for volume "v" : <message>`).
 */
import type { KubeObject } from '../../api/object.ts';
import { formatMap, podFieldValue, resourceValue, type ContainerSpec, type PodFacts } from './env.ts';

export class VolumeError extends Error {}

export interface VolumeFile {
  /** Relative path inside the volume (may contain `/`). */
  path: string;
  data: Buffer;
  mode: number;
}

export type VolumeContent =
  | { kind: 'files'; files: VolumeFile[] }
  | { kind: 'emptyDir' }
  | { kind: 'hostPath'; path: string; type: string };

export interface VolumeSources {
  configMap(namespace: string, name: string): KubeObject | undefined;
  secret(namespace: string, name: string): KubeObject | undefined;
  /** The token a serviceAccountToken projection receives (see docs/runtime.md). */
  serviceAccountToken(): string;
}

interface KeyToPath { key: string; path: string; mode?: number }
interface DownwardItem { path: string; mode?: number; fieldRef?: { fieldPath: string }; resourceFieldRef?: { containerName?: string; resource: string; divisor?: string } }
interface Volume {
  name: string;
  configMap?: { name?: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean };
  secret?: { secretName?: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean };
  downwardAPI?: { items?: DownwardItem[]; defaultMode?: number };
  projected?: { defaultMode?: number; sources?: Array<{ configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean }; secret?: { name?: string; items?: KeyToPath[]; optional?: boolean }; downwardAPI?: { items?: DownwardItem[] }; serviceAccountToken?: { path: string }; clusterTrustBundle?: object }> };
  emptyDir?: object;
  hostPath?: { path: string; type?: string };
}

const DEFAULT_MODE = 0o644;

export function volumeContent(pod: KubeObject, volume: Volume, sources: VolumeSources, facts: PodFacts): VolumeContent {
  const namespace = pod.metadata.namespace ?? 'default';
  if (volume.emptyDir !== undefined) return { kind: 'emptyDir' };
  if (volume.hostPath) return { kind: 'hostPath', path: volume.hostPath.path, type: volume.hostPath.type ?? '' };
  if (volume.configMap) {
    const { name = '', items, optional } = volume.configMap;
    const mode = volume.configMap.defaultMode ?? DEFAULT_MODE;
    const cm = sources.configMap(namespace, name);
    if (!cm) {
      if (optional) return { kind: 'files', files: [] };
      throw new VolumeError(`configmap "${name}" not found`);
    }
    return { kind: 'files', files: keyFiles(configMapData(cm), items, mode, optional === true, (key) => `configmap references non-existent config key: ${key}`) };
  }
  if (volume.secret) {
    const { secretName = '', items, optional } = volume.secret;
    const mode = volume.secret.defaultMode ?? DEFAULT_MODE;
    const secret = sources.secret(namespace, secretName);
    if (!secret) {
      if (optional) return { kind: 'files', files: [] };
      throw new VolumeError(`secret "${secretName}" not found`);
    }
    return { kind: 'files', files: keyFiles(secretData(secret), items, mode, optional === true, (key) => `references non-existent secret key: ${key}`) };
  }
  if (volume.downwardAPI) return { kind: 'files', files: downwardFiles(pod, volume.downwardAPI.items ?? [], volume.downwardAPI.defaultMode ?? DEFAULT_MODE, facts) };
  if (volume.projected) {
    const mode = volume.projected.defaultMode ?? DEFAULT_MODE;
    const files: VolumeFile[] = [];
    for (const source of volume.projected.sources ?? []) {
      if (source.configMap) {
        const cm = sources.configMap(namespace, source.configMap.name ?? '');
        if (!cm) {
          if (source.configMap.optional) continue;
          throw new VolumeError(`configmap "${source.configMap.name ?? ''}" not found`);
        }
        files.push(...keyFiles(configMapData(cm), source.configMap.items, mode, source.configMap.optional === true, (key) => `configmap references non-existent config key: ${key}`));
      } else if (source.secret) {
        const secret = sources.secret(namespace, source.secret.name ?? '');
        if (!secret) {
          if (source.secret.optional) continue;
          throw new VolumeError(`secret "${source.secret.name ?? ''}" not found`);
        }
        files.push(...keyFiles(secretData(secret), source.secret.items, mode, source.secret.optional === true, (key) => `references non-existent secret key: ${key}`));
      } else if (source.downwardAPI) {
        files.push(...downwardFiles(pod, source.downwardAPI.items ?? [], mode, facts));
      } else if (source.serviceAccountToken) {
        files.push({ path: source.serviceAccountToken.path, data: Buffer.from(sources.serviceAccountToken()), mode: 0o600 });
      } else if (source.clusterTrustBundle) {
        throw new VolumeError('clusterTrustBundle projections are not supported by skiff');
      }
    }
    return { kind: 'files', files };
  }
  const kind = Object.keys(volume).find((k) => k !== 'name') ?? 'unknown';
  throw new VolumeError(`skiff does not support ${kind} volumes (supported: configMap, secret, emptyDir, hostPath, downwardAPI, projected)`);
}

function configMapData(cm: KubeObject): Map<string, Buffer> {
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries((cm.data ?? {}) as Record<string, string>)) data.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries((cm.binaryData ?? {}) as Record<string, string>)) data.set(k, Buffer.from(v, 'base64'));
  return data;
}

function secretData(secret: KubeObject): Map<string, Buffer> {
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries((secret.data ?? {}) as Record<string, string>)) data.set(k, Buffer.from(v, 'base64'));
  return data;
}

function keyFiles(data: Map<string, Buffer>, items: KeyToPath[] | undefined, mode: number, optional: boolean, missing: (key: string) => string): VolumeFile[] {
  if (!items || items.length === 0) return [...data].map(([key, value]) => ({ path: key, data: value, mode }));
  const files: VolumeFile[] = [];
  for (const item of items) {
    const value = data.get(item.key);
    if (value === undefined) {
      if (optional) continue;
      throw new VolumeError(missing(item.key));
    }
    files.push({ path: item.path, data: value, mode: item.mode ?? mode });
  }
  return files;
}

function downwardFiles(pod: KubeObject, items: DownwardItem[], mode: number, facts: PodFacts): VolumeFile[] {
  const containers = ((pod.spec as { containers?: ContainerSpec[]; initContainers?: ContainerSpec[] } | undefined) ?? {});
  const all = [...(containers.containers ?? []), ...(containers.initContainers ?? [])];
  return items.map((item) => {
    let text = '';
    if (item.fieldRef) {
      const path = item.fieldRef.fieldPath;
      text = path === 'metadata.labels' ? formatMap(pod.metadata.labels) : path === 'metadata.annotations' ? formatMap(pod.metadata.annotations) : podFieldValue(pod, path, facts);
    } else if (item.resourceFieldRef) {
      const target = all.find((c) => c.name === item.resourceFieldRef!.containerName) ?? all[0];
      if (!target) throw new VolumeError(`container ${item.resourceFieldRef.containerName ?? ''} not found`);
      text = resourceValue(target, item.resourceFieldRef.resource, item.resourceFieldRef.divisor, facts);
    }
    return { path: item.path, data: Buffer.from(text), mode: item.mode ?? mode };
  });
}
