/**
 * Records field ownership (metadata.managedFields) for ordinary writes, so that later
 * server-side applies detect conflicts with whoever set a field (patch/managed/).
 */
import type { KindDefinition, KindVersion } from '../../api/kind.ts';
import type { KubeObject } from '../../api/object.ts';
import { formatApiVersion } from '../../api/object.ts';
import { updateManagedFields } from '../patch/managed/update-managed-fields.ts';

export function recordManagedFields(def: KindDefinition, version: KindVersion, old: KubeObject | undefined, obj: KubeObject, opts: { manager: string; now: string; subresource: string | undefined }): void {
  const updated = updateManagedFields(old, obj, {
    operation: 'Update',
    manager: opts.manager,
    apiVersion: formatApiVersion(def.group, version.name),
    now: opts.now,
    schema: version.schema,
    // Without a status subresource, the main resource owns status like any other field.
    ...(def.subresources.status ? {} : { resetFields: [] }),
    ...(opts.subresource ? { subresource: opts.subresource } : {}),
  });
  if (updated.metadata.managedFields) obj.metadata.managedFields = updated.metadata.managedFields;
  else delete obj.metadata.managedFields;
}
