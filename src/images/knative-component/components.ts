/**
 * Which Knative control-plane component an image or a pod stands for, and what each one
 * listens on. skiff runs the components' real work inside its own process (the serving
 * controllers, the activator data plane), so the program only has to give each Deployment
 * what its upstream probes and Prometheus look for:
 *
 * - `activator`: nothing — skiff's main process binds the activator pod's :8012/:8013/:9090;
 * - controllers (`controller`, `autoscaler-hpa`, `net-istio-controller`): the knative.dev/pkg
 *   probe server on 8080 (`/readiness`, `/health`) and `/metrics` on 9090;
 * - `autoscaler`: 8080 only (upstream its stat websocket; readiness sends `k-kubelet-probe`):
 *   its 9090 `/metrics` is served by skiff's main process, where the KPA and its figures live
 *   (src/server/autoscaler-metrics.ts);
 * - webhooks (`webhook`, `net-istio-webhook`): HTTPS on 8443 (self-signed, as upstream's
 *   webhook signs its own certificate) and 9090;
 * - `net-kourier-controller`: gRPC health on 18000 (its readiness probe is `grpc: {port: 18000}`).
 */

export const KNATIVE_COMPONENTS = [
  'activator', 'autoscaler', 'autoscaler-hpa', 'controller', 'webhook',
  'net-istio-controller', 'net-istio-webhook', 'net-kourier-controller',
] as const;
export type KnativeComponent = (typeof KNATIVE_COMPONENTS)[number];

export type ListenerKind = 'probes' | 'webhook' | 'grpc-health' | 'metrics';

export const PROBES_PORT = 8080;
export const WEBHOOK_PORT = 8443;
export const METRICS_PORT = 9090;
export const XDS_PORT = 18000;

/** The listeners each component opens on $SKIFF_LISTEN_ADDRESS. */
export const COMPONENT_LISTENERS: Readonly<Record<KnativeComponent, ReadonlyArray<{ kind: ListenerKind; port: number }>>> = {
  activator: [],
  autoscaler: [{ kind: 'probes', port: PROBES_PORT }],
  'autoscaler-hpa': [{ kind: 'probes', port: PROBES_PORT }, { kind: 'metrics', port: METRICS_PORT }],
  controller: [{ kind: 'probes', port: PROBES_PORT }, { kind: 'metrics', port: METRICS_PORT }],
  'net-istio-controller': [{ kind: 'probes', port: PROBES_PORT }, { kind: 'metrics', port: METRICS_PORT }],
  webhook: [{ kind: 'webhook', port: WEBHOOK_PORT }, { kind: 'metrics', port: METRICS_PORT }],
  'net-istio-webhook': [{ kind: 'webhook', port: WEBHOOK_PORT }, { kind: 'metrics', port: METRICS_PORT }],
  'net-kourier-controller': [{ kind: 'grpc-health', port: XDS_PORT }],
};

export function isKnativeComponent(name: string | undefined): name is KnativeComponent {
  return (KNATIVE_COMPONENTS as readonly string[]).includes(name ?? '');
}

/** Upstream (ko-built) and OpenShift Serverless image names of each component. */
export const KNATIVE_COMPONENT_IMAGES: Readonly<Record<KnativeComponent, readonly string[]>> = {
  activator: ['gcr.io/knative-releases/knative.dev/serving/cmd/activator', 'registry.redhat.io/openshift-serverless-1/serving-activator-rhel8', 'registry.redhat.io/openshift-serverless-1/knative-serving-activator-rhel8'],
  autoscaler: ['gcr.io/knative-releases/knative.dev/serving/cmd/autoscaler', 'registry.redhat.io/openshift-serverless-1/serving-autoscaler-rhel8', 'registry.redhat.io/openshift-serverless-1/knative-serving-autoscaler-rhel8'],
  'autoscaler-hpa': ['gcr.io/knative-releases/knative.dev/serving/cmd/autoscaler-hpa', 'registry.redhat.io/openshift-serverless-1/serving-autoscaler-hpa-rhel8', 'registry.redhat.io/openshift-serverless-1/knative-serving-autoscaler-hpa-rhel8'],
  controller: ['gcr.io/knative-releases/knative.dev/serving/cmd/controller', 'registry.redhat.io/openshift-serverless-1/serving-controller-rhel8', 'registry.redhat.io/openshift-serverless-1/knative-serving-controller-rhel8'],
  webhook: ['gcr.io/knative-releases/knative.dev/serving/cmd/webhook', 'registry.redhat.io/openshift-serverless-1/serving-webhook-rhel8', 'registry.redhat.io/openshift-serverless-1/knative-serving-webhook-rhel8'],
  'net-istio-controller': ['gcr.io/knative-releases/knative.dev/net-istio/cmd/controller', 'registry.redhat.io/openshift-serverless-1/net-istio-controller-rhel8', 'registry.redhat.io/openshift-serverless-1/knative-net-istio-controller-rhel8'],
  'net-istio-webhook': ['gcr.io/knative-releases/knative.dev/net-istio/cmd/webhook', 'registry.redhat.io/openshift-serverless-1/net-istio-webhook-rhel8', 'registry.redhat.io/openshift-serverless-1/knative-net-istio-webhook-rhel8'],
  'net-kourier-controller': ['gcr.io/knative-releases/knative.dev/net-kourier/cmd/kourier', 'registry.redhat.io/openshift-serverless-1/net-kourier-kourier-rhel8', 'registry.redhat.io/openshift-serverless-1/kourier-control-rhel8', 'registry.redhat.io/openshift-serverless-1/knative-net-kourier-kourier-rhel8'],
};

/** The repository path of an image reference: no tag, no digest, lower case. */
function repositoryOf(image: string): string {
  let name = image.trim().toLowerCase();
  const at = name.indexOf('@');
  if (at >= 0) name = name.slice(0, at);
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) name = name.slice(0, colon);
  return name;
}

/** Upstream ko paths (`…knative.dev/serving/cmd/activator`) by their last segments. */
const KO_PATHS: ReadonlyArray<[RegExp, KnativeComponent]> = [
  [/(^|\/)serving\/cmd\/activator$/, 'activator'],
  [/(^|\/)serving\/cmd\/autoscaler$/, 'autoscaler'],
  [/(^|\/)serving\/cmd\/autoscaler-hpa$/, 'autoscaler-hpa'],
  [/(^|\/)serving\/cmd\/controller$/, 'controller'],
  [/(^|\/)serving\/cmd\/webhook$/, 'webhook'],
  [/(^|\/)net-istio\/cmd\/controller$/, 'net-istio-controller'],
  [/(^|\/)net-istio\/cmd\/webhook$/, 'net-istio-webhook'],
  [/(^|\/)net-kourier\/cmd\/kourier$/, 'net-kourier-controller'],
];

/** OpenShift Serverless names (`serving-activator-rhel8`, `knative-serving-activator-rhel9`) by their base name. */
const PRODUCT_NAMES: ReadonlyArray<[RegExp, KnativeComponent]> = [
  [/^(knative-)?serving-activator(-rhel\d+)?$/, 'activator'],
  [/^(knative-)?serving-autoscaler(-rhel\d+)?$/, 'autoscaler'],
  [/^(knative-)?serving-autoscaler-hpa(-rhel\d+)?$/, 'autoscaler-hpa'],
  [/^(knative-)?serving-controller(-rhel\d+)?$/, 'controller'],
  [/^(knative-)?serving-webhook(-rhel\d+)?$/, 'webhook'],
  [/^(knative-)?net-istio-controller(-rhel\d+)?$/, 'net-istio-controller'],
  [/^(knative-)?net-istio-webhook(-rhel\d+)?$/, 'net-istio-webhook'],
  [/^(knative-)?(net-kourier-kourier|kourier-control)(-rhel\d+)?$/, 'net-kourier-controller'],
];

/** The component an image runs, or undefined when it is not a Knative control-plane image. */
export function componentOfImage(image: string): KnativeComponent | undefined {
  const repository = repositoryOf(image);
  for (const [pattern, component] of KO_PATHS) if (pattern.test(repository)) return component;
  const base = repository.slice(repository.lastIndexOf('/') + 1);
  for (const [pattern, component] of PRODUCT_NAMES) if (pattern.test(base)) return component;
  return undefined;
}

/** The catalog rule: true for every image componentOfImage recognises. */
export function matches(image: string): boolean {
  return componentOfImage(image) !== undefined;
}
