/**
 * The kubeconfig `skiff up` writes for kubectl: one cluster, one context and one user, all
 * named `skiff`. The user carries both the bearer token and the admin client certificate:
 * client-go allows at most one of token / basic auth / exec / auth-provider, and a client
 * certificate is not counted among them, so kubectl sends the certificate during the TLS
 * handshake and the token in the Authorization header (verified with kubectl 1.32).
 */
import { stringify } from 'yaml';
import { writeFileAtomic } from '../util/atomic-file.ts';

export const KUBECONFIG_NAME = 'skiff';

export interface KubeconfigInput {
  /** API server URL, e.g. https://127.0.0.1:6443. */
  server: string;
  caPem: string;
  token: string;
  clientCertPem: string;
  clientKeyPem: string;
}

/** The kubeconfig document (a pure function of its input). */
export function buildKubeconfig(input: KubeconfigInput): Record<string, unknown> {
  const base64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: KUBECONFIG_NAME, cluster: { server: input.server, 'certificate-authority-data': base64(input.caPem) } }],
    users: [{
      name: KUBECONFIG_NAME,
      user: {
        token: input.token,
        'client-certificate-data': base64(input.clientCertPem),
        'client-key-data': base64(input.clientKeyPem),
      },
    }],
    contexts: [{ name: KUBECONFIG_NAME, context: { cluster: KUBECONFIG_NAME, user: KUBECONFIG_NAME, namespace: 'default' } }],
    'current-context': KUBECONFIG_NAME,
  };
}

/** Writes the kubeconfig atomically with mode 0600 (it holds credentials). */
export async function writeKubeconfig(path: string, input: KubeconfigInput): Promise<void> {
  await writeFileAtomic(path, stringify(buildKubeconfig(input), { lineWidth: 0 }), 0o600);
}
