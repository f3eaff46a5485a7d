/**
 * Server-side apply and field ownership, the entry points the API server calls:
 * `serverSideApply` for `application/apply-patch+yaml`, `updateManagedFields` for every
 * other write (create, update, JSON/merge/strategic patches), and the 409 builders for
 * apply conflicts. The other patch types live beside this file (merge-patch.ts,
 * json-patch.ts, strategic-merge-patch.ts). See docs/patching.md.
 */
export { serverSideApply, type ServerSideApplyOptions, type ServerSideApplyResult } from './managed/server-side-apply.ts';
export { updateManagedFields, type UpdateManagedFieldsOptions } from './managed/update-managed-fields.ts';
export type { FieldManagerOptions } from './managed/record.ts';
export { applyConflictError, describeConflictManager, formatApplyConflictMessage, type Conflict } from './managed/conflicts.ts';
export { LAST_APPLIED_ANNOTATION } from './managed/last-applied.ts';
export { fieldsV1FromPaths, pathsFromFieldsV1 } from './fieldpath/fields-v1.ts';
export { PathSet } from './fieldpath/path-set.ts';
export { pathToString, type Path, type PathElement } from './fieldpath/path-element.ts';
