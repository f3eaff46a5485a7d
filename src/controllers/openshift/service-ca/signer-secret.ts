/**
 * Keeps the signer in the API: namespace `openshift-service-ca` and Secret `signing-key`
 * are created once and then reused (the store keeps them across restarts), so every
 * certificate issued stays verifiable by the bundles already handed out.
 */
import type { Client } from '../../../client/types.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { FIELD_MANAGER, SIGNER_NAMESPACE, SIGNER_SECRET } from './annotations.ts';
import { SECRET, TLS_SECRET_TYPE, decodeData, encodeData, type Secret } from './secret-data.ts';
import { createSignerFiles, signerFromFiles, type Signer } from './signer.ts';

const WRITE = { fieldManager: FIELD_MANAGER };

export async function ensureSigner(client: Client, now = new Date()): Promise<Signer> {
  await ensureNamespace(client);
  const existing = await client.get<Secret>(SECRET, SIGNER_NAMESPACE, SIGNER_SECRET);
  const current = existing && signerFromFiles(decodeData(existing.data));
  if (current) return current;
  const files = await createSignerFiles(now);
  const fresh = signerFromFiles(files)!;
  if (existing) {
    // Present but unusable (emptied by hand): the operator re-initialises it in place.
    await client.update<Secret>({ ...existing, type: TLS_SECRET_TYPE, data: encodeData(files) }, WRITE);
    return fresh;
  }
  try {
    await client.create<Secret>({ ...SECRET, metadata: { name: SIGNER_SECRET, namespace: SIGNER_NAMESPACE }, type: TLS_SECRET_TYPE, data: encodeData(files) }, WRITE);
  } catch (err) {
    // Another writer got there first: use theirs, so there is one signer.
    if (isSkiffError(err, 'SKF_API_ALREADY_EXISTS')) return ensureSigner(client, now);
    throw err;
  }
  return fresh;
}

async function ensureNamespace(client: Client): Promise<void> {
  const ns = { apiVersion: 'v1', kind: 'Namespace' };
  if (await client.get(ns, undefined, SIGNER_NAMESPACE)) return;
  try {
    await client.create({ ...ns, metadata: { name: SIGNER_NAMESPACE } }, WRITE);
  } catch (err) {
    if (!isSkiffError(err, 'SKF_API_ALREADY_EXISTS')) throw err;
  }
}
