/** Serving user CRDs: a CRD object becomes a KindDefinition and earns its status. */
export { kindFromCrd, servedNames, type CrdNames } from './from-crd.ts';
export { crdStatus, type CrdCondition, type CrdStatus, type CrdStatusContext } from './crd-status.ts';
export { compareKubeVersions, sortByKubeVersionPriority } from './version-priority.ts';
