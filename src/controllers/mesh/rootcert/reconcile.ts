/**
 * istiod's root-certificate distribution: every namespace of a mesh (its control plane's
 * namespace and each member, i.e. labelled `maistra.io/member-of=<mesh>`) holds the
 * ConfigMap `istio-ca-root-cert` with the mesh's root in `root-cert.pem`, which proxies
 * verify peers against. The ConfigMap follows the CA (a new `cacerts` replaces it), is put
 * back if edited or deleted, and is removed when the namespace leaves the mesh.
 */
import type { KubeObject } from '../../../api/object.ts';
import type { Client } from '../../../client/types.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { loadMeshCa } from '../../../mesh/pki/ca-secrets.ts';
import { meshTrustBundle } from '../../../mesh/pki/workload-certificate.ts';
import { CONFIG_MAP, MEMBER_OF_LABEL } from '../shared/meta.ts';
import { deleteIfPresent, ensureObject } from '../shared/objects.ts';

export const ROOT_CERT_CONFIG_MAP = 'istio-ca-root-cert';
export const ROOT_CERT_KEY = 'root-cert.pem';
/** istiod's label on the ConfigMaps it writes into namespaces. */
export const ISTIO_CONFIG_LABEL = 'istio.io/config';

export interface RootCertDeps {
  client: Client;
  namespace(name: string): KubeObject | undefined;
  configMap(namespace: string): KubeObject | undefined;
}

export function rootCertConfigMap(namespace: string, rootPem: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CERT_CONFIG_MAP, namespace, labels: { [ISTIO_CONFIG_LABEL]: 'true' } }, data: { [ROOT_CERT_KEY]: rootPem } };
}

export async function reconcileRootCert(deps: RootCertDeps, namespace: string): Promise<ReconcileResult> {
  const ns = deps.namespace(namespace);
  if (!ns || ns.metadata.deletionTimestamp) return;
  const mesh = ns.metadata.labels?.[MEMBER_OF_LABEL];
  if (!mesh) {
    const cm = deps.configMap(namespace);
    if (cm?.metadata.labels?.[ISTIO_CONFIG_LABEL] === 'true') await deleteIfPresent(deps.client, CONFIG_MAP, namespace, ROOT_CERT_CONFIG_MAP);
    return;
  }
  let ca;
  try {
    ca = await loadMeshCa(deps.client, mesh);
  } catch (err) {
    // A broken CA Secret is reported on the control plane; the namespace keeps the root it has.
    if (isSkiffError(err, 'SKF_MESH_CA_INVALID')) return;
    throw err;
  }
  if (!ca) return;
  try {
    await ensureObject(deps.client, rootCertConfigMap(namespace, meshTrustBundle(ca)));
  } catch (err) {
    // The namespace started terminating meanwhile: nothing to distribute to.
    if (!isSkiffError(err, 'SKF_API_FORBIDDEN') && !isSkiffError(err, 'SKF_API_NOT_FOUND')) throw err;
  }
  return;
}
