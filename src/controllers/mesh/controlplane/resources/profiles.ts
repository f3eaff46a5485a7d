/**
 * The control-plane profiles (Maistra's smcp-templates for v2.3–v2.5): `default` is
 * Maistra's `servicemesh` template (Red Hat images) built on `base` and `small`;
 * `maistra` is the community variant. A profile may name further profiles, applied first.
 *
 * Differences from Maistra, on purpose: skiff ships no Prometheus, Grafana, Kiali or
 * Jaeger, so `base` enables no addons and sets `tracing.type: None` (Maistra's base turns
 * the four addons on and traces to Jaeger); the proxies' metrics are scraped directly.
 */
import type { Fields } from '../../../../api/mesh/fields.ts';

export type Profile = Fields & { profiles?: string[] };

const BASE: Profile = {
  gateways: {
    enabled: true,
    ingress: { enabled: true, ingress: false, service: { type: 'ClusterIP' } },
    egress: { enabled: true },
    openshiftRoute: { enabled: true },
  },
  general: { logging: { componentLevels: { default: 'warn' } } },
  proxy: {
    injection: { autoInject: false },
    networking: { protocol: { autoDetect: { inbound: false, outbound: false } }, dns: { refreshRate: '300s' } },
  },
  security: { identity: { type: 'Kubernetes' } },
  telemetry: { type: 'Istiod' },
  policy: { type: 'None' },
  tracing: { type: 'None' },
  techPreview: { sidecarInjectorWebhook: { objectSelector: { enabled: false } } },
};

const SMALL_RESOURCES = { requests: { cpu: '10m', memory: '128Mi' }, limits: {} };

const SMALL: Profile = {
  runtime: {
    defaults: { deployment: { podDisruption: { enabled: false } }, container: { resources: SMALL_RESOURCES } },
    components: {
      pilot: { deployment: { autoScaling: { enabled: false } }, container: { resources: SMALL_RESOURCES } },
      prometheus: { container: { resources: SMALL_RESOURCES } },
    },
  },
  gateways: {
    ingress: { runtime: { deployment: { autoScaling: { enabled: false } }, container: { resources: SMALL_RESOURCES } } },
    egress: { runtime: { deployment: { autoScaling: { enabled: false } }, container: { resources: SMALL_RESOURCES } } },
  },
  proxy: { runtime: { container: { resources: SMALL_RESOURCES } } },
};

/** The image tag each version's templates name. */
const IMAGE_TAG: Record<string, string> = { 'v2.3': '2.3.3', 'v2.4': '2.4.0', 'v2.5': '2.5.0' };

function imagesProfile(registry: string, suffix: 'rhel8' | 'ubi8', version: string): Profile {
  return {
    profiles: ['base', 'small'],
    runtime: {
      defaults: { container: { imageRegistry: registry, imageTag: IMAGE_TAG[version] ?? IMAGE_TAG['v2.5']! } },
      components: { pilot: { container: { imageName: `pilot-${suffix}` } } },
    },
    proxy: { runtime: { container: { imageName: `proxyv2-${suffix}` } } },
  };
}

/** The profile of this name for a control plane of `version` (v2.3–v2.5), or undefined. */
export function profileNamed(name: string, version: string): Profile | undefined {
  switch (name) {
    case 'base':
      return { ...BASE, version };
    case 'small':
      return SMALL;
    case 'default':
    case 'servicemesh':
      return imagesProfile('registry.redhat.io/openshift-service-mesh', 'rhel8', version);
    case 'maistra':
      return imagesProfile('docker.io/maistra', 'ubi8', version);
    default:
      return undefined;
  }
}

export const KNOWN_PROFILES = ['base', 'default', 'maistra', 'servicemesh', 'small'] as const;
