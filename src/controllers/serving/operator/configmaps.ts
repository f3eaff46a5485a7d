/**
 * Serving's ConfigMaps (knative/serving config/core/configmaps, net-istio 400-config-istio,
 * net-kourier config-kourier): each carries an `_example` of its keys and their defaults and
 * the `knative.dev/example-checksum` of it, as upstream ships them. Then the values the CR
 * sets (`spec.config.<name>`) over skiff's OpenShift defaults.
 *
 * A live ConfigMap keeps keys added by hand (the knative operator's three-way apply does the
 * same): only keys the operator wrote itself are its own, recorded in CONFIG_KEYS_ANNOTATION
 * so that a key removed from the CR is removed from the ConfigMap too.
 */
import { crc32 } from 'node:zlib';
import type { KubeObject } from '../../../api/object.ts';
import { IMAGES, INGRESS_CLASS, NET_ISTIO_VERSION, NET_KOURIER_VERSION, SERVING_VERSION } from './meta.ts';
import type { ServingSpec } from './spec.ts';

export const CONFIG_KEYS_ANNOTATION = 'operator.skiff.dev/config-keys';
export const EXAMPLE_CHECKSUM_ANNOTATION = 'knative.dev/example-checksum';

/** Upstream defaults, documented in each `_example`. */
const EXAMPLES: Record<string, { component: string; version?: string; labels?: Record<string, string>; defaults: Record<string, string> }> = {
  'config-autoscaler': { component: 'autoscaler', defaults: {
    'container-concurrency-target-percentage': '70', 'container-concurrency-target-default': '100', 'requests-per-second-target-default': '200',
    'target-burst-capacity': '211', 'stable-window': '60s', 'panic-window-percentage': '10.0', 'panic-threshold-percentage': '200.0',
    'max-scale-up-rate': '1000.0', 'max-scale-down-rate': '2.0', 'enable-scale-to-zero': 'true', 'scale-to-zero-grace-period': '30s',
    'scale-to-zero-pod-retention-period': '0s', 'pod-autoscaler-class': 'kpa.autoscaling.knative.dev', 'activator-capacity': '100.0',
    'initial-scale': '1', 'allow-zero-initial-scale': 'false', 'min-scale': '0', 'max-scale': '0', 'scale-down-delay': '0s', 'max-scale-limit': '0',
  } },
  'config-defaults': { component: 'controller', defaults: {
    'revision-timeout-seconds': '300', 'max-revision-timeout-seconds': '600', 'revision-idle-timeout-seconds': '0', 'container-name-template': 'user-container',
    'init-container-name-template': 'init-container', 'container-concurrency': '0', 'container-concurrency-max-limit': '1000',
    'allow-container-concurrency-zero': 'true', 'enable-service-links': 'false',
  } },
  'config-deployment': { component: 'controller', defaults: {
    'queue-sidecar-image': IMAGES.queue, 'progress-deadline': '600s', 'registries-skipping-tag-resolving': 'kind.local,ko.local,dev.local',
    'digest-resolution-timeout': '10s', 'queue-sidecar-cpu-request': '25m', 'queue-sidecar-token-audiences': '',
  } },
  'config-domain': { component: 'controller', defaults: { 'example.com': '', 'example.org': 'selector:\n  app: nonprofit', 'svc.cluster.local': 'selector:\n  app: secret' } },
  'config-features': { component: 'controller', defaults: {
    'multi-container': 'enabled', 'kubernetes.podspec-affinity': 'disabled', 'kubernetes.podspec-fieldref': 'disabled', 'kubernetes.podspec-init-containers': 'disabled',
    'kubernetes.podspec-securitycontext': 'disabled', 'kubernetes.podspec-persistent-volume-claim': 'disabled', 'tag-header-based-routing': 'disabled',
    'autodetect-http2': 'disabled', 'secure-pod-defaults': 'disabled', 'queueproxy.mount-podinfo': 'disabled',
  } },
  'config-gc': { component: 'controller', defaults: { 'retain-since-create-time': '48h', 'retain-since-last-active-time': '15h', 'min-non-active-revisions': '20', 'max-non-active-revisions': '1000' } },
  'config-istio': { component: 'net-istio', version: NET_ISTIO_VERSION, labels: { 'networking.knative.dev/ingress-provider': 'istio' }, defaults: {
    'external-gateways': '- name: knative-ingress-gateway\n  namespace: knative-serving\n  service: istio-ingressgateway.istio-system.svc.cluster.local',
    'local-gateways': '- name: knative-local-gateway\n  namespace: knative-serving\n  service: knative-local-gateway.istio-system.svc.cluster.local',
  } },
  'config-kourier': { component: 'net-kourier', version: NET_KOURIER_VERSION, labels: { 'networking.knative.dev/ingress-provider': 'kourier' }, defaults: {
    'enable-service-access-logging': 'true', 'enable-proxy-protocol': 'false', 'cluster-cert-secret': '', 'stream-idle-timeout': '0s', 'tracing-collector-full-endpoint': '',
  } },
  'config-logging': { component: 'logging', defaults: {
    'zap-logger-config': '{"level": "info", "development": false, "outputPaths": ["stdout"], "errorOutputPaths": ["stderr"], "encoding": "json"}',
    'loglevel.controller': 'info', 'loglevel.autoscaler': 'info', 'loglevel.queueproxy': 'info', 'loglevel.webhook': 'info', 'loglevel.activator': 'info',
  } },
  'config-network': { component: 'networking', labels: { 'knative.dev/config-propagation': 'original', 'knative.dev/config-category': 'networking' }, defaults: {
    'ingress-class': INGRESS_CLASS.istio, 'certificate-class': 'cert-manager.certificate.networking.knative.dev', 'namespace-wildcard-cert-selector': '',
    'domain-template': '{{.Name}}.{{.Namespace}}.{{.Domain}}', 'tag-template': '{{.Tag}}-{{.Name}}', 'auto-tls': 'Disabled', 'http-protocol': 'Enabled',
    'default-external-scheme': 'http', 'rollout-duration': '0', 'autocreate-cluster-domain-claims': 'false', 'enable-mesh-pod-addressability': 'false', 'mesh-compatibility-mode': 'auto',
  } },
  'config-observability': { component: 'observability', defaults: {
    'logging.enable-var-log-collection': 'false', 'logging.enable-request-log': 'false', 'logging.enable-probe-request-log': 'false',
    'metrics.backend-destination': 'prometheus', 'metrics.request-metrics-backend-destination': 'prometheus', 'profiling.enable': 'false',
  } },
  'config-tracing': { component: 'tracing', defaults: { backend: 'none', 'zipkin-endpoint': 'http://zipkin.istio-system.svc.cluster.local:9411/api/v2/spans', debug: 'false', 'sample-rate': '0.1' } },
};

export function exampleOf(name: string): string {
  const defaults = EXAMPLES[name]?.defaults ?? {};
  const lines = [
    '################################',
    '#                              #',
    '#    EXAMPLE CONFIGURATION     #',
    '#                              #',
    '################################',
    '',
    '# This block is not actually functional configuration,',
    '# but serves to illustrate the available configuration',
    '# options and document them in a way that is accessible',
    '# to users that `kubectl edit` this config map.',
    '#',
    '# These sample configuration options may be copied out of',
    '# this example block and unindented to be in the data block',
    '# to actually change the configuration.',
  ];
  for (const [key, value] of Object.entries(defaults)) {
    lines.push('', value.includes('\n') ? `${key}: |\n  ${value.split('\n').join('\n  ')}` : `${key}: ${JSON.stringify(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

const checksum = (text: string) => crc32(Buffer.from(text)).toString(16).padStart(8, '0');

/** What skiff sets as OpenShift Serverless does, under whatever the CR says. */
export function platformDefaults(serving: ServingSpec, appsDomain: string): Record<string, Record<string, string>> {
  return {
    'config-network': {
      'ingress-class': INGRESS_CLASS[serving.ingress],
      'domain-template': '{{.Name}}-{{.Namespace}}.{{.Domain}}',
      'default-external-scheme': 'https',
      'autocreate-cluster-domain-claims': 'true',
    },
    // Only when the CR names no domain of its own (serverless-operator extension.go: "if unset"),
    // so `spec.config.domain` replaces the apps domain rather than competing with it.
    'config-domain': Object.keys(serving.config['config-domain'] ?? {}).length > 0 ? {} : { [appsDomain]: '' },
    'config-deployment': { 'queue-sidecar-image': IMAGES.queue },
  };
}

/** The ConfigMap names this spec installs (config-istio or config-kourier by ingress). */
export function configMapNames(serving: ServingSpec): string[] {
  return Object.keys(EXAMPLES).filter((n) => (n === 'config-istio' ? serving.ingress === 'istio' : n === 'config-kourier' ? serving.ingress === 'kourier' : true));
}

/** The desired ConfigMaps: `data` holds only the operator's own keys (see mergeConfigData). */
export function configMaps(namespace: string, serving: ServingSpec, appsDomain: string): KubeObject[] {
  const defaults = platformDefaults(serving, appsDomain);
  return configMapNames(serving).map((name) => {
    const meta = EXAMPLES[name]!;
    const example = exampleOf(name);
    const data = { _example: example, ...(defaults[name] ?? {}), ...(serving.config[name] ?? {}) };
    return {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        namespace,
        labels: { 'app.kubernetes.io/component': meta.component, 'app.kubernetes.io/name': 'knative-serving', 'app.kubernetes.io/version': meta.version ?? SERVING_VERSION, ...(meta.labels ?? {}) },
        annotations: { [EXAMPLE_CHECKSUM_ANNOTATION]: checksum(example), [CONFIG_KEYS_ANNOTATION]: Object.keys(data).filter((k) => k !== '_example').sort().join(',') },
      },
      data,
    };
  });
}

/**
 * The data to write over a live ConfigMap: hand-added keys kept, keys the operator set
 * before and no longer sets dropped, the operator's keys at their desired values.
 */
export function mergeConfigData(live: KubeObject | undefined, desired: KubeObject): Record<string, string> {
  const liveData = (live?.data ?? {}) as Record<string, string>;
  const previous = (live?.metadata.annotations?.[CONFIG_KEYS_ANNOTATION] ?? '').split(',').filter(Boolean);
  const out: Record<string, string> = { ...liveData };
  for (const key of previous) delete out[key];
  return { ...out, ...(desired.data as Record<string, string>) };
}
