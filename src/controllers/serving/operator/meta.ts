/**
 * What the KnativeServing operator's pieces agree on: the release it installs, the labels it
 * marks installed objects with, its finalizer, and the image names of the release.
 */
import type { KubeObject, OwnerReference } from '../../../api/object.ts';

/** The Knative Serving release skiff installs (OpenShift Serverless 1.34 ships Serving 1.15). */
export const SERVING_VERSION = '1.15.2';
export const NET_ISTIO_VERSION = '1.15.1';
export const NET_KOURIER_VERSION = '1.15.1';

const KNATIVE_RELEASES = 'gcr.io/knative-releases/knative.dev';
export const IMAGES = {
  activator: `${KNATIVE_RELEASES}/serving/cmd/activator:v${SERVING_VERSION}`,
  autoscaler: `${KNATIVE_RELEASES}/serving/cmd/autoscaler:v${SERVING_VERSION}`,
  controller: `${KNATIVE_RELEASES}/serving/cmd/controller:v${SERVING_VERSION}`,
  webhook: `${KNATIVE_RELEASES}/serving/cmd/webhook:v${SERVING_VERSION}`,
  queue: `${KNATIVE_RELEASES}/serving/cmd/queue:v${SERVING_VERSION}`,
  netIstioController: `${KNATIVE_RELEASES}/net-istio/cmd/controller:v${NET_ISTIO_VERSION}`,
  netIstioWebhook: `${KNATIVE_RELEASES}/net-istio/cmd/webhook:v${NET_ISTIO_VERSION}`,
  netKourier: `${KNATIVE_RELEASES}/net-kourier/cmd/kourier:v${NET_KOURIER_VERSION}`,
  kourierGateway: 'docker.io/envoyproxy/envoy:v1.30-latest',
} as const;

/**
 * On every installed object: which KnativeServing installed it. Owner references cover the
 * objects in the CR's namespace; these labels find the rest (the Kourier namespace) for
 * cleanup, as the Serverless operator's ownerName/ownerNamespace markers do.
 */
export const OWNER_NAME_LABEL = 'serving.knative.openshift.io/ownerName';
export const OWNER_NAMESPACE_LABEL = 'serving.knative.openshift.io/ownerNamespace';
/** On both namespaces Serving uses (the Serverless operator's marker). */
export const PART_OF_LABEL = 'knative.openshift.io/part-of';
export const PART_OF_VALUE = 'openshift-serverless';

/** The knative operator's finalizer: deleting the CR deletes its manifest first. */
export const FINALIZER = 'delete-knative-serving-manifest';

/** The CR annotation that turns net-istio's Secret informer filtering on (older Serverless releases). */
export const SECRET_FILTERING_ANNOTATION = 'serverless.openshift.io/enable-secret-informer-filtering';
export const SECRET_FILTERING_ENV = 'ENABLE_SECRET_INFORMER_FILTERING_BY_CERT_UID';

export const INGRESS_CLASS = {
  istio: 'istio.ingress.networking.knative.dev',
  kourier: 'kourier.ingress.networking.knative.dev',
} as const;

/** The labels every installed object carries. */
export function ownerLabels(cr: KubeObject): Record<string, string> {
  return { [OWNER_NAME_LABEL]: cr.metadata.name!, [OWNER_NAMESPACE_LABEL]: cr.metadata.namespace! };
}

export function ownerReferenceTo(cr: KubeObject): OwnerReference {
  return { apiVersion: cr.apiVersion, kind: cr.kind, name: cr.metadata.name!, uid: cr.metadata.uid!, controller: true, blockOwnerDeletion: true };
}
