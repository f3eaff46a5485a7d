/**
 * Condition types of `status.ingress[].conditions` on route.openshift.io Routes, as the
 * OpenShift router writes them (kinds.md §3).
 */
export const ROUTE_INGRESS_CONDITION = {
  Admitted: 'Admitted',
  UnservableInFutureVersions: 'UnservableInFutureVersions',
} as const;
