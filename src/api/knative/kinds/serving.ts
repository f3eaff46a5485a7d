/**
 * serving.knative.dev, networking.internal.knative.dev and autoscaling.internal.knative.dev
 * kinds (kinds.md §1, §2.1). Note the column quirks kept from upstream: no Age column on any of
 * these, and Certificate's JSONPath uses double quotes where the others use single ones.
 */
import type { KindDefinition } from '../../kind.ts';
import type { ConfigSource } from '../admission.ts';
import {
  configurationAdmission, domainMappingAdmission, revisionAdmission, routeAdmission, serviceAdmission,
} from '../serving/admission.ts';
import {
  certificateAdmission, ingressAdmission, metricAdmission, podAutoscalerAdmission, serverlessServiceAdmission,
} from '../serving/internal-admission.ts';
import { knativeKind, readyReason, URL_STATUS } from './build.ts';

const SERVING = 'serving.knative.dev';
const NETWORKING = 'networking.internal.knative.dev';
const AUTOSCALING = 'autoscaling.internal.knative.dev';
const SERVING_CATEGORIES = ['all', 'knative', 'serving'];

export function servingKinds(config: ConfigSource): KindDefinition[] {
  return [
    knativeKind({
      group: SERVING, kind: 'Service', plural: 'services', shortNames: ['kservice', 'ksvc'], categories: SERVING_CATEGORIES,
      versions: [{
        name: 'v1', storage: true,
        columns: [
          URL_STATUS,
          { name: 'LatestCreated', type: 'string', jsonPath: '.status.latestCreatedRevisionName' },
          { name: 'LatestReady', type: 'string', jsonPath: '.status.latestReadyRevisionName' },
          ...readyReason("'"),
        ],
      }],
      admission: serviceAdmission,
    }, config),
    knativeKind({
      group: SERVING, kind: 'Configuration', plural: 'configurations', shortNames: ['config', 'cfg'], categories: SERVING_CATEGORIES,
      versions: [{
        name: 'v1', storage: true,
        columns: [
          { name: 'LatestCreated', type: 'string', jsonPath: '.status.latestCreatedRevisionName' },
          { name: 'LatestReady', type: 'string', jsonPath: '.status.latestReadyRevisionName' },
          ...readyReason("'"),
        ],
      }],
      admission: configurationAdmission,
    }, config),
    knativeKind({
      group: SERVING, kind: 'Revision', plural: 'revisions', shortNames: ['rev'], categories: SERVING_CATEGORIES,
      versions: [{
        name: 'v1', storage: true,
        columns: [
          { name: 'Config Name', type: 'string', jsonPath: ".metadata.labels['serving\\.knative\\.dev/configuration']" },
          { name: 'Generation', type: 'string', jsonPath: ".metadata.labels['serving\\.knative\\.dev/configurationGeneration']" },
          ...readyReason("'"),
          { name: 'Actual Replicas', type: 'integer', jsonPath: '.status.actualReplicas' },
          { name: 'Desired Replicas', type: 'integer', jsonPath: '.status.desiredReplicas' },
        ],
      }],
      admission: revisionAdmission,
    }, config),
    knativeKind({
      group: SERVING, kind: 'Route', plural: 'routes', shortNames: ['rt'], categories: SERVING_CATEGORIES,
      versions: [{ name: 'v1', storage: true, columns: [URL_STATUS, ...readyReason("'")] }],
      admission: routeAdmission,
    }, config),
    knativeKind({
      group: SERVING, kind: 'DomainMapping', plural: 'domainmappings', shortNames: ['dm'], categories: SERVING_CATEGORIES,
      versions: [{ name: 'v1beta1', storage: true, columns: [URL_STATUS, ...readyReason("'")] }],
      admission: domainMappingAdmission,
    }, config),
    knativeKind({
      group: NETWORKING, kind: 'Ingress', plural: 'ingresses', shortNames: ['kingress', 'king'], categories: ['knative-internal', 'networking'],
      versions: [{ name: 'v1alpha1', storage: true, columns: readyReason("'") }],
      admission: ingressAdmission,
    }, config),
    knativeKind({
      group: NETWORKING, kind: 'ServerlessService', plural: 'serverlessservices', shortNames: ['sks'], categories: ['knative-internal', 'networking'],
      versions: [{
        name: 'v1alpha1', storage: true,
        columns: [
          { name: 'Mode', type: 'string', jsonPath: '.spec.mode' },
          { name: 'Activators', type: 'integer', jsonPath: '.spec.numActivators' },
          { name: 'ServiceName', type: 'string', jsonPath: '.status.serviceName' },
          { name: 'PrivateServiceName', type: 'string', jsonPath: '.status.privateServiceName' },
          ...readyReason("'"),
        ],
      }],
      admission: serverlessServiceAdmission,
    }, config),
    knativeKind({
      group: NETWORKING, kind: 'Certificate', plural: 'certificates', shortNames: ['kcert'], categories: ['knative-internal', 'networking'],
      versions: [{ name: 'v1alpha1', storage: true, columns: readyReason('"') }],
      admission: certificateAdmission,
    }, config),
    knativeKind({
      group: AUTOSCALING, kind: 'PodAutoscaler', plural: 'podautoscalers', shortNames: ['kpa', 'pa'], categories: ['knative-internal', 'autoscaling'],
      versions: [{
        name: 'v1alpha1', storage: true,
        columns: [
          { name: 'DesiredScale', type: 'integer', jsonPath: '.status.desiredScale' },
          { name: 'ActualScale', type: 'integer', jsonPath: '.status.actualScale' },
          ...readyReason("'"),
        ],
      }],
      admission: podAutoscalerAdmission,
    }, config),
    knativeKind({
      group: AUTOSCALING, kind: 'Metric', plural: 'metrics', shortNames: [], categories: ['knative-internal', 'autoscaling'],
      versions: [{ name: 'v1alpha1', storage: true, columns: readyReason("'") }],
      admission: metricAdmission,
    }, config),
  ];
}
