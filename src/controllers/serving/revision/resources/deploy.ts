/**
 * The Deployment `<rev>-deployment` that runs a Revision (knative/serving 1.15
 * pkg/reconciler/revision/resources/deploy.go MakeDeployment): the revision's pod spec with
 * its serving container rewritten for life behind queue-proxy (port renamed `user-port`,
 * `PORT` and the K_* variables, readiness probe handed to queue-proxy, preStop hook waiting
 * for queue-proxy's drain), the queue-proxy container appended, the pod's grace period set to
 * the revision timeout; replicas start at the initial scale and the rollout never takes a
 * ready pod away (maxUnavailable 0).
 */
import type { KubeObject } from '../../../../api/object.ts';
import type { Json } from '../../../../api/knative/util/json.ts';
import { isObject, list } from '../../../../api/knative/util/json.ts';
import { AutoscalingAnnotations, ServingAnnotations, ServingLabels, lookup } from '../../../../api/knative/serving/keys.ts';
import { PORTS } from '../../shared/contracts.ts';
import type { RevisionConfig } from './config.ts';
import { durationSeconds } from './config.ts';
import { controllerRef, deploymentName, revisionAnnotations, revisionLabels, revisionSelector } from './meta.ts';
import { makeQueueContainer } from './queue.ts';
import { USER_PORT_NAME, containersOf, revisionSpec, userPort } from './revision-view.ts';

/** Fields of a RevisionSpec that are not PodSpec fields. */
const REVISION_ONLY_FIELDS = ['containerConcurrency', 'timeoutSeconds', 'responseStartTimeoutSeconds', 'idleTimeoutSeconds'];

const WAIT_FOR_DRAIN = { preStop: { httpGet: { path: '/wait-for-drain', port: PORTS.queueAdmin } } };

type EnvVar = { name: string; value?: string };
const env = (name: string, value: string): EnvVar => (value === '' ? { name } : { name, value });

function knativeEnv(rev: KubeObject): EnvVar[] {
  const labels = rev.metadata.labels ?? {};
  return [env('K_REVISION', rev.metadata.name ?? ''), env('K_CONFIGURATION', labels[ServingLabels.configuration] ?? ''), env('K_SERVICE', labels[ServingLabels.service] ?? '')];
}

/** makeContainer: what every user container gets. */
function makeContainer(container: Json, rev: KubeObject): Json {
  const c = structuredClone(container);
  c.lifecycle = WAIT_FOR_DRAIN;
  c.env = [...list(c, 'env'), ...knativeEnv(rev)];
  delete c.stdin;
  delete c.tty;
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'FallbackToLogsOnError';
  // Kubernetes probes queue-proxy, which runs this probe itself (exec probes stay with the kubelet).
  const probe = c.readinessProbe;
  if (isObject(probe) && (isObject(probe.httpGet) || isObject(probe.tcpSocket) || isObject(probe.grpc))) delete c.readinessProbe;
  return c;
}

/** makeServingContainer: the container queue-proxy forwards to. */
function makeServingContainer(container: Json, rev: KubeObject, allowCustomPort: boolean): Json {
  const port = userPort(rev);
  const c = makeContainer({ ...container, ports: [{ name: USER_PORT_NAME, containerPort: port }], env: [...list(container, 'env'), env('PORT', String(port))] }, rev);
  const liveness = c.livenessProbe;
  if (isObject(liveness)) {
    for (const handler of ['httpGet', 'tcpSocket'] as const) {
      const h = liveness[handler];
      if (isObject(h) && (!allowCustomPort || !h.port)) liveness[handler] = { ...h, port };
    }
  }
  return c;
}

export function makeUserContainers(rev: KubeObject, cfg: RevisionConfig): Json[] {
  const containers = containersOf(rev);
  return containers.map((c) => (list(c, 'ports').length > 0 || containers.length === 1 ? makeServingContainer(c, rev, cfg.features.multiContainerProbing) : makeContainer(c, rev)));
}

export function makePodSpec(rev: KubeObject, cfg: RevisionConfig): Json {
  const spec = structuredClone(revisionSpec(rev));
  for (const f of REVISION_ONLY_FIELDS) delete spec[f];
  spec.containers = [...makeUserContainers(rev, cfg), makeQueueContainer(rev, cfg)];
  const timeout = revisionSpec(rev).timeoutSeconds;
  if (typeof timeout === 'number') spec.terminationGracePeriodSeconds = timeout;
  if (spec.enableServiceLinks === undefined && cfg.enableServiceLinks !== undefined) spec.enableServiceLinks = cfg.enableServiceLinks;
  if (cfg.deployment.defaultAffinityType === 'prefer-spread-revision-over-nodes' && spec.affinity === undefined) {
    spec.affinity = {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100,
          podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { [ServingLabels.revision]: rev.metadata.name! } } },
        }],
      },
    };
  }
  return spec;
}

/** Initial replicas: the revision's `autoscaling.knative.dev/initial-scale`, else config-autoscaler's `initial-scale`. */
export function initialReplicas(rev: KubeObject, cfg: RevisionConfig): number {
  const { value, found } = lookup(rev.metadata.annotations ?? {}, AutoscalingAnnotations.initialScale);
  const n = found && /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
  return n ?? cfg.autoscaler.initialScale;
}

/** Progress deadline: the revision's `serving.knative.dev/progress-deadline`, else config-deployment's. */
export function progressDeadlineSeconds(rev: KubeObject, cfg: RevisionConfig): number {
  const { value, found } = lookup(rev.metadata.annotations ?? {}, ServingAnnotations.progressDeadline);
  return (found ? durationSeconds(value) : undefined) ?? cfg.deployment.progressDeadlineSeconds;
}

export function makeDeployment(rev: KubeObject, cfg: RevisionConfig): KubeObject {
  const labels = revisionLabels(rev);
  const annotations = revisionAnnotations(rev);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: deploymentName(rev.metadata.name!),
      namespace: rev.metadata.namespace,
      labels,
      annotations,
      ownerReferences: [controllerRef(rev)],
    },
    spec: {
      replicas: initialReplicas(rev, cfg),
      selector: revisionSelector(rev),
      progressDeadlineSeconds: progressDeadlineSeconds(rev, cfg),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } },
      template: {
        metadata: { labels: { ...labels }, annotations: { ...annotations } },
        spec: makePodSpec(rev, cfg),
      },
    },
  };
}
