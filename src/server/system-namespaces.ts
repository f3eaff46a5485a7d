/**
 * The namespaces a fresh cluster with the Service Mesh and Serverless operators installed
 * has, so that the seed documents' commands run in their order (issue 3, item 3).
 */
import type { Client } from '../client/types.ts';
import { isSkiffError } from '../errors/skiff-error.ts';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'istio-system', 'knative-serving', 'knative-eventing', 'knative-serving-ingress', 'openshift-serverless', 'openshift-operators', 'skiff-system'] as const;

export async function ensureSystemNamespaces(client: Client): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    try {
      await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    } catch (err) {
      if (!isSkiffError(err, 'SKF_API_ALREADY_EXISTS')) throw err;
    }
  }
}
