/**
 * The mesh CA's Secrets in the mesh namespace, through the Client: the control-plane
 * controller calls `ensureMeshCa` (creates `istio-ca-secret` once, rotates its
 * intermediate, validates a plug-in `cacerts`); the data plane calls `loadMeshCa` to get
 * the CA it issues workload certificates from. `cacerts` wins whenever it exists, as in
 * istiod; replacing or deleting it takes effect on the next load.
 */
import type { KubeObject } from '../../api/object.ts';
import type { Client } from '../../client/types.ts';
import { isSkiffError } from '../../errors/skiff-error.ts';
import { CA_SECRET_NAME, CA_SECRET_TYPE, type CaFiles, type MeshCa, PLUGIN_SECRET_NAME, createSelfSignedCaFiles, issuerRenewalDue, meshCaFromFiles, pluginFiles, renewIssuerFiles } from './mesh-ca.ts';
import { DEFAULT_TRUST_DOMAIN } from './spiffe.ts';

const SECRET = { apiVersion: 'v1', kind: 'Secret' } as const;
const SMCP = { apiVersion: 'maistra.io/v2', kind: 'ServiceMeshControlPlane' } as const;

interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

/** The trust domain a control plane's spec asks for (`cluster.local` when unset). */
export function trustDomainOf(smcp: KubeObject): string {
  const spec = (smcp.spec ?? {}) as { security?: { trust?: { domain?: unknown } } };
  const domain = spec.security?.trust?.domain;
  return typeof domain === 'string' && domain !== '' ? domain : DEFAULT_TRUST_DOMAIN;
}

export interface EnsuredCa {
  ca: MeshCa;
  /** What this call did to `istio-ca-secret`, if anything. */
  change?: 'created' | 'renewed';
}

export async function ensureMeshCa(client: Client, meshNamespace: string, trustDomain: string, now = new Date()): Promise<EnsuredCa> {
  const plugin = await client.get<Secret>(SECRET, meshNamespace, PLUGIN_SECRET_NAME);
  if (plugin) return { ca: meshCaFromFiles(pluginFiles(decode(plugin)), { meshNamespace, trustDomain, source: 'plug-in', secretName: PLUGIN_SECRET_NAME }, now) };
  const ctx = { meshNamespace, trustDomain, source: 'self-signed' as const, secretName: CA_SECRET_NAME };
  const own = await client.get<Secret>(SECRET, meshNamespace, CA_SECRET_NAME);
  if (!own) {
    const files = await createSelfSignedCaFiles(trustDomain, now);
    try {
      await client.create<Secret>({ ...SECRET, metadata: { name: CA_SECRET_NAME, namespace: meshNamespace }, type: CA_SECRET_TYPE, data: encode(files) });
    } catch (err) {
      // Another writer created it first: use theirs, so every holder agrees on one root.
      if (!isSkiffError(err, 'SKF_API_ALREADY_EXISTS')) throw err;
      return ensureMeshCa(client, meshNamespace, trustDomain, now);
    }
    return { ca: meshCaFromFiles(files, ctx, now), change: 'created' };
  }
  const files = decode(own);
  if (issuerRenewalDue(files, now)) {
    const renewed = await renewIssuerFiles(files, trustDomain, now);
    await client.update<Secret>({ ...own, data: encode(renewed) });
    return { ca: meshCaFromFiles(renewed, ctx, now), change: 'renewed' };
  }
  return { ca: meshCaFromFiles(files, ctx, now) };
}

/**
 * The CA of the mesh whose control plane lives in `meshNamespace`, or undefined while it
 * has none yet (no control plane, or its controller has not created the CA). Throws
 * SKF_MESH_CA_INVALID when the Secret in use is broken.
 */
export async function loadMeshCa(client: Client, meshNamespace: string, now = new Date()): Promise<MeshCa | undefined> {
  const planes = await client.list(SMCP, { namespace: meshNamespace });
  const trustDomain = planes.items[0] ? trustDomainOf(planes.items[0]) : DEFAULT_TRUST_DOMAIN;
  const plugin = await client.get<Secret>(SECRET, meshNamespace, PLUGIN_SECRET_NAME);
  if (plugin) return meshCaFromFiles(pluginFiles(decode(plugin)), { meshNamespace, trustDomain, source: 'plug-in', secretName: PLUGIN_SECRET_NAME }, now);
  const own = await client.get<Secret>(SECRET, meshNamespace, CA_SECRET_NAME);
  if (!own) return undefined;
  return meshCaFromFiles(decode(own), { meshNamespace, trustDomain, source: 'self-signed', secretName: CA_SECRET_NAME }, now);
}

function decode(secret: Secret): CaFiles {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  return out;
}

function encode(files: CaFiles): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(files)) out[k] = Buffer.from(v, 'utf8').toString('base64');
  return out;
}
