/**
 * The service CA's reconcilers, over informer caches (read) and the Client (write):
 * one per annotated Service (its serving Secret and its annotations), one per
 * ConfigMap asking for the CA bundle. Decisions are the pure functions of
 * serving-cert.ts and ca-bundle.ts; this file only reads, writes and retries.
 */
import type { Client } from '../../../client/types.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { FIELD_MANAGER } from './annotations.ts';
import { injectedConfigMap } from './ca-bundle.ts';
import { SECRET, type ConfigMap, type Secret } from './secret-data.ts';
import {
  annotationsDiffer, failedAnnotations, issueServingCert, madeFor, renewalDueAt, servingCertAction, servingSecretFor, servingSecretNameOf,
  signedAnnotations, tidiedSecret, type ServiceObject,
} from './serving-cert.ts';
import type { Signer } from './signer.ts';

/** setTimeout holds at most ~24.8 days; a daily look is plenty for two-year certificates. */
const MAX_REQUEUE_MS = 24 * 3600 * 1000;
const WRITE = { fieldManager: FIELD_MANAGER };

export interface ServiceCaView {
  client: Client;
  signer(): Signer;
  service(key: string): ServiceObject | undefined;
  secret(key: string): Secret | undefined;
  configMap(key: string): ConfigMap | undefined;
  now(): Date;
}

export async function reconcileService(view: ServiceCaView, key: string): Promise<ReconcileResult> {
  const service = view.service(key);
  if (!service || service.metadata.deletionTimestamp) return;
  const secretName = servingSecretNameOf(service);
  if (!secretName) return;
  return converge(view, service, view.secret(`${service.metadata.namespace}/${secretName}`), true);
}

async function converge(view: ServiceCaView, service: ServiceObject, secret: Secret | undefined, mayRetryCreate: boolean): Promise<ReconcileResult> {
  const { client } = view;
  const signer = view.signer();
  const now = view.now();
  const action = servingCertAction(service, secret, signer, now);
  switch (action.kind) {
    case 'none':
      if (!secret || !madeFor(secret, service)) return;
      // Issued by an earlier run whose Service write was lost (a conflict): finish it.
      await markSigned(client, service, signer);
      return renewalRequeue(secret, now);
    case 'tidy':
      await client.update(tidiedSecret(secret!, service), WRITE);
      return renewalRequeue(secret, now);
    case 'clash':
      await markFailed(client, service, action.message);
      return;
    case 'create': {
      const desired = servingSecretFor(service, await issueServingCert(service, signer, now));
      try {
        await client.create(desired, WRITE);
      } catch (err) {
        // The cache lagged behind our own write or someone else's: decide again on what is there.
        if (isSkiffError(err, 'SKF_API_ALREADY_EXISTS') && mayRetryCreate) {
          const live = await client.get<Secret>(SECRET, desired.metadata.namespace, desired.metadata.name!);
          return converge(view, service, live, false);
        }
        return failed(client, service, err);
      }
      await markSigned(client, service, signer);
      return renewalRequeue(desired, now);
    }
    case 'reissue': {
      const desired = servingSecretFor(service, await issueServingCert(service, signer, now), secret);
      try {
        await client.update(desired, WRITE);
      } catch (err) {
        return failed(client, service, err);
      }
      await markSigned(client, service, signer);
      return renewalRequeue(desired, now);
    }
  }
}

/** Conflicts are retried quietly; other write errors are recorded on the Service, as upstream, and retried. */
async function failed(client: Client, service: ServiceObject, err: unknown): Promise<never> {
  if (!isSkiffError(err, 'SKF_API_CONFLICT')) await markFailed(client, service, err instanceof Error ? err.message : String(err)).catch(() => undefined);
  throw err;
}

async function markSigned(client: Client, service: ServiceObject, signer: Signer): Promise<void> {
  const annotations = signedAnnotations(service, signer);
  if (!annotationsDiffer(service.metadata.annotations, annotations)) return;
  await updateService(client, service, annotations);
}

async function markFailed(client: Client, service: ServiceObject, message: string): Promise<void> {
  await updateService(client, service, failedAnnotations(service, message));
}

async function updateService(client: Client, service: ServiceObject, annotations: Record<string, string>): Promise<void> {
  try {
    await client.update({ ...service, metadata: { ...service.metadata, annotations } }, WRITE);
  } catch (err) {
    // Changed meanwhile (the next event brings it back) or gone: nothing to annotate.
    if (isSkiffError(err, 'SKF_API_NOT_FOUND')) return;
    throw err;
  }
}

function renewalRequeue(secret: Secret | undefined, now: Date): ReconcileResult {
  const due = secret && renewalDueAt(secret);
  if (!due) return;
  return { requeueAfterMs: Math.min(MAX_REQUEUE_MS, Math.max(0, due.getTime() - now.getTime())) };
}

export async function reconcileConfigMap(view: ServiceCaView, key: string): Promise<ReconcileResult> {
  const configMap = view.configMap(key);
  if (!configMap || configMap.metadata.deletionTimestamp) return;
  const desired = injectedConfigMap(configMap, view.signer().bundlePem);
  if (!desired) return;
  try {
    await view.client.update(desired, WRITE);
  } catch (err) {
    if (isSkiffError(err, 'SKF_API_NOT_FOUND')) return;
    throw err;
  }
}
