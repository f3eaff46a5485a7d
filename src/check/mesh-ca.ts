/**
 * The mesh CA of each control plane, loaded exactly as the data plane loads it (loadMeshCa:
 * the plug-in `cacerts` if present, else `istio-ca-secret`, checked for completeness, key
 * match, chain to the root and validity), then warned about when the root or the issuing
 * certificate expires within 30 days.
 */
import { X509Certificate } from 'node:crypto';
import type { Client } from '../client/types.ts';
import { isSkiffError } from '../errors/skiff-error.ts';
import { loadMeshCa } from '../mesh/pki/index.ts';
import { type CheckResult, failed, passed, warned } from './types.ts';

export const CA_EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

export async function meshCaCheck(client: Client, meshNamespace: string, now: Date): Promise<CheckResult> {
  const description = `mesh CA of ${meshNamespace} is valid and not about to expire`;
  let ca;
  try {
    ca = await loadMeshCa(client, meshNamespace, now);
  } catch (error) {
    if (!isSkiffError(error, 'SKF_MESH_CA_INVALID')) throw error;
    return failed(description, error.message, `Fix the secret in ${meshNamespace} (Istio's plug-in format: ca-cert.pem, ca-key.pem, root-cert.pem, cert-chain.pem; docs/mesh.md), or delete cacerts to let the mesh use its own CA.`);
  }
  if (ca === undefined) {
    return failed(description, `no mesh CA in ${meshNamespace}: neither cacerts nor istio-ca-secret exists`, 'The control plane creates istio-ca-secret when it reconciles: check that its ServiceMeshControlPlane is Ready (kubectl get smcp -A).');
  }
  const soon = now.getTime() + CA_EXPIRY_WARNING_DAYS * DAY_MS;
  const expiring: string[] = [];
  const rootNotAfter = new Date(new X509Certificate(ca.rootCertPem).validTo);
  if (rootNotAfter.getTime() <= soon) expiring.push(`the root certificate expires at ${rootNotAfter.toISOString()}`);
  if (ca.issuerNotAfter.getTime() <= soon) expiring.push(`the issuing certificate expires at ${ca.issuerNotAfter.toISOString()}`);
  if (expiring.length === 0) return passed(description);
  const hint = ca.source === 'plug-in'
    ? `Replace the cacerts secret in ${meshNamespace} with certificates valid for longer; workload certificates are reissued from the new CA.`
    : `Delete istio-ca-secret in ${meshNamespace} to have the control plane create a new root (workloads get certificates from it as they renew).`;
  return warned(description, `${expiring.join('; ')} (within ${CA_EXPIRY_WARNING_DAYS} days)`, hint);
}
