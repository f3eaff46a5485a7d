/**
 * kube-apiserver's `ServiceAccount` admission plugin, on pod CREATE: the pod runs as its
 * named account or `default`, the account must exist in the pod's namespace (else 403 with
 * kube-apiserver's message), and unless `automountServiceAccountToken` says no, every
 * container gets the API credentials volume (service-account-mount.ts). Mirror pods are only
 * checked, never changed. Registered before sidecar injection: in kube-apiserver the in-tree
 * mutating plugins run before the mutating webhooks, and the sidecar's token needs the account.
 */
import type { KindDefinition } from '../../api/kind.ts';
import type { KubeObject } from '../../api/object.ts';
import { GENERATED_NAME_ALPHABET, GENERATED_SUFFIX_LENGTH, MAX_GENERATED_BASE_LENGTH } from '../../api/meta/generate-name.ts';
import type { Client } from '../../client/types.ts';
import { SkiffError } from '../../errors/skiff-error.ts';
import type { AdmissionPlugin, AdmissionRequest } from '../storage/admission.ts';
import { mirrorPodProblem } from './service-account-mirror.ts';
import { enforcesMountableSecrets, unmountableSecretProblem } from './service-account-secrets.ts';
import { DEFAULT_SERVICE_ACCOUNT_NAME, assignServiceAccountName, copyImagePullSecrets, isMirrorPod, mountServiceAccountToken, shouldAutomount } from './service-account-mount.ts';

const SERVICE_ACCOUNT = { apiVersion: 'v1', kind: 'ServiceAccount' };
/** The serviceaccounts controller creates `default` just after its namespace: wait for it. */
const DEFAULT_ACCOUNT_ATTEMPTS = 10;

export interface ServiceAccountPluginOptions {
  /** The pause between lookups of a missing `default` (kube-apiserver: 100–200 ms, random). */
  retryIntervalMs?: () => number;
  /** The volume name generator (tests fix it). */
  randomName?: (prefix: string) => string;
}

export function serviceAccountPlugin(opts: ServiceAccountPluginOptions = {}): AdmissionPlugin {
  const retryIntervalMs = opts.retryIntervalMs ?? (() => 100 + Math.floor(Math.random() * 100));
  const lookUp = async (req: AdmissionRequest, namespace: string, name: string): Promise<KubeObject> => {
    const account = await getServiceAccount(req.client, namespace, name, retryIntervalMs());
    if (!account) throw forbidden(req.object, `error looking up service account ${namespace}/${name}: serviceaccount "${name}" not found`);
    return account;
  };
  return {
    name: 'ServiceAccount',
    handles: (def: KindDefinition) => def.group === '' && def.kind === 'Pod',
    mutate: async (req: AdmissionRequest) => {
      if (!applies(req)) return;
      const pod = req.object;
      // A mirror pod must match its static pod's file: it is validated, never changed.
      if (isMirrorPod(pod)) return;
      const namespace = pod.metadata.namespace ?? '';
      const account = await lookUp(req, namespace, assignServiceAccountName(pod));
      if (shouldAutomount(account, pod)) mountServiceAccountToken(pod, opts.randomName);
      copyImagePullSecrets(account, pod);
    },
    // Runs after the mutating webhooks (sidecar injection): the account named then must exist
    // and, when it enforces mountable secrets, allow every Secret the pod uses.
    validate: async (req: AdmissionRequest) => {
      if (!applies(req)) return [];
      const pod = req.object;
      if (isMirrorPod(pod)) {
        const problem = mirrorPodProblem(pod);
        if (problem) throw forbidden(pod, problem);
        return [];
      }
      const name = (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? '';
      const account = await lookUp(req, pod.metadata.namespace ?? '', name);
      const problem = enforcesMountableSecrets(account) ? unmountableSecretProblem(account, pod) : undefined;
      if (problem) throw forbidden(pod, problem);
      return [];
    },
  };
}

/** Pods only, on create, not their subresources (shouldIgnore + a CREATE-only handler). */
function applies(req: AdmissionRequest): boolean {
  return req.operation === 'create' && req.target.subresource === undefined;
}

/**
 * The account, or undefined when it does not exist. A missing `default` is looked up again
 * for a second or two: right after `kubectl create namespace`, a pod may come before the
 * serviceaccounts controller has made it.
 */
export async function getServiceAccount(client: Client, namespace: string, name: string, retryIntervalMs: number): Promise<KubeObject | undefined> {
  const attempts = name === DEFAULT_SERVICE_ACCOUNT_NAME ? DEFAULT_ACCOUNT_ATTEMPTS : 1;
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, retryIntervalMs));
    const account = await client.get(SERVICE_ACCOUNT, namespace, name);
    if (account) return account;
  }
  return undefined;
}

/** admission.NewForbidden: `pods "<name as sent>" is forbidden: <why>`. */
function forbidden(pod: KubeObject, why: string): SkiffError {
  const name = nameAsSent(pod);
  return new SkiffError('SKF_API_FORBIDDEN', `pods "${name}" is forbidden: ${why}`, { details: { status: { name, group: '', kind: 'pods' } } });
}

/**
 * The name admission reports is the one the client sent: for a pod made from generateName
 * (a ReplicaSet's, say) that is the prefix, as in `pods "web-7c5ddbdf54-" is forbidden`.
 * The storage layer has already filled in the generated name by now, so a name that is the
 * prefix plus a generated suffix is taken to be one.
 */
export function nameAsSent(pod: KubeObject): string {
  const { name = '', generateName = '' } = pod.metadata;
  if (!generateName) return name || 'Unknown';
  const base = generateName.slice(0, MAX_GENERATED_BASE_LENGTH);
  const suffix = name.slice(base.length);
  const generated = name.startsWith(base) && suffix.length === GENERATED_SUFFIX_LENGTH && [...suffix].every((c) => GENERATED_NAME_ALPHABET.includes(c));
  return generated ? generateName : name || generateName;
}
