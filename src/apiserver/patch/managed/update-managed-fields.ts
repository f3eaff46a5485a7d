/**
 * managedFields for ordinary writes — create, update and the non-apply patches — as
 * kube-apiserver's field manager records them (fieldmanager.go Update and the managers it
 * chains: skip-non-applied, cap-managers, build-manager-info, managed-fields-updater,
 * strip-meta), so that later server-side applies see who set what.
 */
import type { KubeObject } from '../../../api/object.ts';
import { capUpdateManagers, decodeManagedFields, encodeManagedFields, type Managers } from './managers.ts';
import { viewWithoutManagedFields, withManagedFields } from './object-fields.ts';
import { managerName, ownershipContext, recordUpdate, type FieldManagerOptions } from './record.ts';

export interface UpdateManagedFieldsOptions extends FieldManagerOptions {
  operation: 'Update';
}

/**
 * Returns `updated` with managedFields recording this write. `old` is the stored object
 * (undefined on create). Managed fields the client sent in `updated` are honoured when
 * valid (that is how kubectl migrates client-side-apply ownership); `managedFields: []`
 * clears them. An existing object that has never been tracked stays untracked.
 */
export function updateManagedFields(old: KubeObject | undefined, updated: KubeObject, opts: UpdateManagedFieldsOptions): KubeObject {
  const ctx = ownershipContext(opts);
  let managers = startingManagers(old, updated, opts.subresource !== undefined && opts.subresource !== '');
  // Views, not copies: recording ownership only reads them.
  const after = viewWithoutManagedFields(updated);
  if (managers.size === 0 && old?.metadata?.uid) return withManagedFields(after, undefined);
  managers = recordUpdate(old ? viewWithoutManagedFields(old) : undefined, after, managers, {
    manager: managerName(opts.manager), apiVersion: opts.apiVersion, time: opts.now,
    ...(opts.subresource ? { subresource: opts.subresource } : {}),
  }, ctx);
  return withManagedFields(after, encodeManagedFields(capUpdateManagers(managers)));
}

/** decodeLiveOrNew: the request's managedFields when usable, else the stored ones. */
function startingManagers(old: KubeObject | undefined, updated: KubeObject, isSubresource: boolean): Managers {
  const fromOld = (): Managers => tryDecode(old?.metadata?.managedFields) ?? new Map();
  if (isSubresource) return fromOld();
  const sent = updated.metadata?.managedFields as unknown;
  if (isReset(sent)) return new Map();
  const decoded = tryDecode(sent);
  return decoded && decoded.size > 0 ? decoded : fromOld();
}

function tryDecode(entries: unknown): Managers | undefined {
  try {
    return decodeManagedFields(entries);
  } catch {
    return undefined;
  }
}

function isReset(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  const only = entries[0] as unknown;
  return entries.length === 1 && typeof only === 'object' && only !== null && Object.keys(only).length === 0;
}
