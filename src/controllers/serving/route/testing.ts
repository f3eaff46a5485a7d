/** Objects for the route tests: Configurations, Revisions and Routes as the API would hold them. */
import type { KubeObject } from '../../../api/object.ts';
import type { TrafficTarget } from './traffic.ts';

const cond = (status: 'True' | 'False' | 'Unknown') => [{ type: 'Ready', status }];

export function configuration(name: string, opts: { latestReady?: string; latestCreated?: string; ready?: 'True' | 'False' | 'Unknown' } = {}): KubeObject {
  return {
    apiVersion: 'serving.knative.dev/v1', kind: 'Configuration',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: 1 },
    status: {
      observedGeneration: 1, conditions: cond(opts.ready ?? (opts.latestReady ? 'True' : 'Unknown')),
      ...(opts.latestReady ? { latestReadyRevisionName: opts.latestReady } : {}),
      ...(opts.latestCreated ?? opts.latestReady ? { latestCreatedRevisionName: opts.latestCreated ?? opts.latestReady } : {}),
    },
  };
}

export function revision(name: string, config: string, opts: { ready?: 'True' | 'False' | 'Unknown'; service?: string; h2c?: boolean; labels?: Record<string, string>; annotations?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'serving.knative.dev/v1', kind: 'Revision',
    metadata: {
      name, namespace: 'default', uid: `uid-${name}`, generation: 1,
      labels: { 'serving.knative.dev/configuration': config, ...(opts.service ? { 'serving.knative.dev/service': opts.service } : {}), ...(opts.labels ?? {}) },
      ...(opts.annotations ? { annotations: opts.annotations } : {}),
      ownerReferences: [{ apiVersion: 'serving.knative.dev/v1', kind: 'Configuration', name: config, uid: `uid-${config}`, controller: true }],
    },
    spec: { containers: [{ image: 'busybox', ...(opts.h2c ? { ports: [{ name: 'h2c', containerPort: 8080 }] } : {}) }] },
    status: { observedGeneration: 1, conditions: cond(opts.ready ?? 'True') },
  };
}

export function route(traffic: TrafficTarget[], meta: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'serving.knative.dev/v1', kind: 'Route',
    metadata: { name: meta.name ?? 'test-route', namespace: 'default', uid: 'uid-route', generation: 1, ...(meta.labels ? { labels: meta.labels } : {}), ...(meta.annotations ? { annotations: meta.annotations } : {}) },
    spec: { traffic },
  };
}

export function lookup(objs: KubeObject[]) {
  const find = (kind: string) => (name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
  return { configuration: find('Configuration'), revision: find('Revision') };
}
