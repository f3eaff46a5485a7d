/**
 * Where each stored schema comes from: the upstream repository, commit and CRD file that
 * generate.ts converts, and the skiff folder the JSON lands in. These are the CRDs that
 * OpenShift Service Mesh 2.5.1 installs (Istio 1.18 + Maistra federation), OpenShift
 * Serverless 1.35 ships, and openshift/api's Route (field set only, see crd-schema.ts).
 */
export type SchemaFolder = 'mesh' | 'route' | 'operator';

export interface CrdSource {
  /** owner/name on GitHub. */
  repo: string;
  /** Branch the commit belongs to (for humans). */
  branch: string;
  commit: string;
  path: string;
  folder: SchemaFolder;
  /** Route only: drop the CRD's declarative validation (it is Go code on OpenShift). */
  stripValidation?: boolean;
}

const OSSM = { repo: 'maistra/istio-operator', branch: 'maistra-2.5', commit: '8143614c5f13ef9b894d107d47353507b70f45ea' } as const;
const SERVERLESS = { repo: 'openshift-knative/serverless-operator', branch: 'release-1.35', commit: '1f3f1f12fb28e1af390236a02d110bee4a841a26' } as const;
const SERVERLESS_MANIFESTS = 'olm-catalog/serverless-operator/manifests';

export const CRD_SOURCES: readonly CrdSource[] = [
  ...['servicemeshcontrolplanes', 'servicemeshmemberrolls', 'servicemeshmembers'].map((f) => ({
    ...OSSM, path: `manifests-servicemesh/2.5.1/${f}.crd.yaml`, folder: 'mesh' as const,
  })),
  ...[
    'gateways.networking.istio.io', 'virtualservices.networking.istio.io', 'destinationrules.networking.istio.io',
    'serviceentries.networking.istio.io', 'peerauthentications.security.istio.io', 'authorizationpolicies.security.istio.io',
    'servicemeshpeers.federation.maistra.io', 'exportedservicesets.federation.maistra.io', 'importedservicesets.federation.maistra.io',
  ].map((f) => ({ ...OSSM, path: `resources/helm/v2.5/istio-init/files/${f}.crd.yaml`, folder: 'mesh' as const })),
  ...['operator_v1beta1_knativeserving_crd', 'operator_v1beta1_knativeeventing_crd', 'operator_v1alpha1_knativekafka_crd'].map((f) => ({
    ...SERVERLESS, path: `${SERVERLESS_MANIFESTS}/${f}.yaml`, folder: 'operator' as const,
  })),
  {
    repo: 'openshift/api', branch: 'master', commit: '5ab63aea6909272582889fed0c0fbd736409619b',
    path: 'route/v1/zz_generated.crd-manifests/routes.crd.yaml', folder: 'route', stripValidation: true,
  },
];
