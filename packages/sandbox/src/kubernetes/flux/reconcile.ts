/**
 * Flux's annotation that asks for a reconcile of an unchanged object (`flux reconcile`; fluxcd/pkg
 * apis/meta `ReconcileRequestAnnotation`). A controller echoes the value in
 * `status.lastHandledReconcileAt` once it has handled the request.
 */
export const RECONCILE_REQUESTED = 'reconcile.fluxcd.io/requestedAt';
