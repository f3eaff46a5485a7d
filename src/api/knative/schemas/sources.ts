/**
 * Where each Knative CRD schema comes from: the upstream repository, commit and file the
 * converter (convert.ts) reads. These are the CRDs OpenShift Serverless 1.35 ships (Knative 1.15).
 * Ingress, ServerlessService and Certificate live in knative/networking; serving's own
 * `config/core/300-resources/{ingress,serverlessservice,certificate}.yaml` are symlinks into its
 * vendored copy of that module (go.mod pins networking at bab7f2a3, the release-1.15 head).
 */
export interface CrdSource {
  /** owner/name on GitHub. */
  repo: string;
  /** Branch the commit belongs to (for humans). */
  branch: string;
  commit: string;
  path: string;
}

export const CRD_SOURCES: readonly CrdSource[] = [
  ...['service', 'configuration', 'revision', 'route', 'domain-mapping', 'podautoscaler', 'metric'].map((f) => ({
    repo: 'knative/serving', branch: 'release-1.15', commit: '3870dcdc1adc7b6940b1d30308742aa693404f92', path: `config/core/300-resources/${f}.yaml`,
  })),
  ...['ingress', 'serverlessservice', 'certificate'].map((f) => ({
    repo: 'knative/networking', branch: 'release-1.15', commit: 'bab7f2a3e556a8cd74952b14ef9061c9d18254fd', path: `config/${f}.yaml`,
  })),
  ...['broker', 'trigger', 'channel', 'subscription', 'pingsource', 'apiserversource', 'sinkbindings', 'containersource'].map((f) => ({
    repo: 'knative/eventing', branch: 'release-1.15', commit: 'b2476903fb49b054b8a437e4dc1015d7f4f81433', path: `config/core/resources/${f}.yaml`,
  })),
  { repo: 'knative/eventing', branch: 'release-1.15', commit: 'b2476903fb49b054b8a437e4dc1015d7f4f81433', path: 'config/channels/in-memory-channel/resources/in-memory-channel.yaml' },
  ...['100-channel/100-kafka-channel', '100-sink/100-kafka-sink', '100-source/100-kafka-source'].map((f) => ({
    repo: 'knative-extensions/eventing-kafka-broker', branch: 'release-1.15', commit: '01bb5c4b71552c5a7150bea26e918356173d5a88', path: `control-plane/config/eventing-kafka-broker/${f}.yaml`,
  })),
];
