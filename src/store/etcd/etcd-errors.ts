/**
 * Turning etcd3/gRPC failures into the store's SkiffErrors. etcd reports its own conditions
 * as message strings (`etcdserver: mvcc: …`), which etcd3 passes through; transport trouble
 * arrives as etcd3's typed gRPC errors, a cockatiel broken-circuit error, or a closed client.
 */
import { ClientClosedError, isRecoverableError } from 'etcd3';
import { SkiffError } from '../../errors/skiff-error.ts';

const COMPACTED = 'required revision has been compacted';
const FUTURE = 'required revision is a future revision';

export function isCompactedError(error: unknown): boolean {
  return error instanceof Error && error.message.includes(COMPACTED);
}

export function isFutureRevisionError(error: unknown): boolean {
  return error instanceof Error && error.message.includes(FUTURE);
}

/**
 * Maps a failed etcd call. Compaction and future revisions need context the caller has
 * (which revision, how far compacted), so callers check for those first; everything else is
 * the store being unreachable or refusing: SKF_STORE_UNAVAILABLE.
 */
export function storeUnavailable(error: unknown, endpoints: string): SkiffError {
  if (error instanceof SkiffError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const transport = error instanceof ClientClosedError || (error instanceof Error && (isRecoverableError(error) || error.name === 'BrokenCircuitError'));
  const what = transport ? `etcd at ${endpoints} cannot be reached` : `etcd at ${endpoints} refused the request`;
  return new SkiffError('SKF_STORE_UNAVAILABLE', `${what}: ${message}`, { cause: error, details: { endpoints } });
}

export function compactedError(revision: number, compactRevision: number, what: string): SkiffError {
  return new SkiffError('SKF_STORE_COMPACTED', `Cannot ${what} from revision ${revision}: etcd has compacted history before ${compactRevision}.`, {
    details: { compactRevision },
  });
}

export function futureRevisionError(revision: number): SkiffError {
  return new SkiffError('SKF_STORE_FUTURE_REVISION', `Revision ${revision} is newer than etcd's current revision.`, { details: { revision } });
}
