/**
 * Condition types (and the reasons kinds.md §3 lists) that the mesh controllers write, as
 * Maistra and Istio write them. The federation kinds (ServiceMeshPeer, ExportedServiceSet,
 * ImportedServiceSet) have no conditions: their status is `discoveryStatus` and the
 * exported/imported service lists.
 */

/** ServiceMeshControlPlane (v1 and v2). */
export const SMCP_CONDITION = {
  Installed: 'Installed',
  Reconciled: 'Reconciled',
  Ready: 'Ready',
} as const;

export const SMCP_REASON = {
  ResourceCreated: 'ResourceCreated',
  SpecUpdated: 'SpecUpdated',
  OperatorUpdated: 'OperatorUpdated',
  PausingInstall: 'PausingInstall',
  PausingUpdate: 'PausingUpdate',
  InstallSuccessful: 'InstallSuccessful',
  UpdateSuccessful: 'UpdateSuccessful',
  ReconcileSuccessful: 'ReconcileSuccessful',
  InstallError: 'InstallError',
  ReconcileError: 'ReconcileError',
  ValidationError: 'ValidationError',
  DependencyMissingError: 'DependencyMissingError',
  DeletionError: 'DeletionError',
  ErrMultipleSMCPs: 'ErrMultipleSMCPs',
  ComponentsReady: 'ComponentsReady',
  ComponentsNotReady: 'ComponentsNotReady',
  ProbeError: 'ProbeError',
} as const;

/** ServiceMeshMemberRoll: a single `Ready` condition. */
export const SMMR_CONDITION = { Ready: 'Ready' } as const;

export const SMMR_REASON = {
  Configured: 'Configured',
  ReconcileError: 'ReconcileError',
  ErrSMCPMissing: 'ErrSMCPMissing',
  ErrMultipleSMCPs: 'ErrMultipleSMCPs',
  ErrInvalidName: 'ErrInvalidName',
  SMCPReconciling: 'SMCPReconciling',
} as const;

/** ServiceMeshMember: `Reconciled` and `Ready`, always written together with the same status. */
export const SMM_CONDITION = { Reconciled: 'Reconciled', Ready: 'Ready' } as const;

export const SMM_REASON = {
  CreateMemberRollFailed: 'CreateMemberRollFailed',
  UpdateMemberRollFailed: 'UpdateMemberRollFailed',
  DeleteMemberRollFailed: 'DeleteMemberRollFailed',
  NamespaceNotExists: 'NamespaceNotExists',
  ReferencesDifferentControlPlane: 'ReferencesDifferentControlPlane',
  Terminating: 'Terminating',
  InvalidName: 'InvalidName',
} as const;

/**
 * Istio kinds (Gateway, VirtualService, DestinationRule, ServiceEntry, PeerAuthentication,
 * AuthorizationPolicy): istiod's status distribution writes `Reconciled` in the free-form
 * status, next to `validationMessages`.
 */
export const ISTIO_CONDITION = { Reconciled: 'Reconciled' } as const;
