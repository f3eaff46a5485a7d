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
  metadata: { continue?: string };
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
    // A Status is a list-typed object: a 410 for an expired continue token carries a new token.
    const listMeta = err.details?.listMeta as { continue?: string } | undefined;
    return {
      kind: 'Status', apiVersion: 'v1', metadata: listMeta?.continue ? { continue: listMeta.continue } : {}, status: 'Failure',
      message: err.message, reason: err.reason,
      ...(details ? { details: omitEmpty(details) } : {}),
      code: err.status,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Internal error occurred: ${message}`, reason: ERRORS.SKF_API_INTERNAL.reason, code: 500 };
}

export function successStatus(details: StatusDetails): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code: 200 };
}

/**
 * Go encodes StatusDetails and StatusCause with `omitempty`: a core resource's empty group,
 * a zero retryAfterSeconds or an empty causes list do not appear on the wire.
 */
export function omitEmpty(details: StatusDetails): StatusDetails {
  const out: StatusDetails = {};
  if (details.name) out.name = details.name;
  if (details.group) out.group = details.group;
  if (details.kind) out.kind = details.kind;
  if (details.uid) out.uid = details.uid;
  if (details.causes && details.causes.length > 0) {
    out.causes = details.causes.map((c) => ({ ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}), ...(c.field ? { field: c.field } : {}) }));
  }
  if (details.retryAfterSeconds) out.retryAfterSeconds = details.retryAfterSeconds;
  return out;
}
