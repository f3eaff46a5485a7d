/**
 * metav1.Status bodies for errors and successful deletes, built from SkiffErrors so that
 * every failure a client sees carries Kubernetes' reason/code and skiff's stable code.
 */
import { ERRORS } from '../../errors/catalog.ts';
import { SkiffError } from '../../errors/skiff-error.ts';

export interface StatusCause { reason?: string; message?: string; field?: string }

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** The Status body for an error. Unknown errors become 500 InternalError (and are logged by the caller). */
export function statusFromError(err: unknown): Status {
  if (err instanceof SkiffError) {
    const details = err.details?.status as StatusDetails | undefined;
    return {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: err.message, reason: err.reason,
      ...(details ? { details } : {}),
      code: err.status,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Internal error occurred: ${message}`, reason: ERRORS.SKF_API_INTERNAL.reason, code: 500 };
}

export function successStatus(details: StatusDetails): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code: 200 };
}
