/**
 * Adoption and release by selector (controller_ref_manager.go ClaimObject): a controller
 * owns the objects that carry its controller reference and match its selector. Orphans that
 * match are adopted (unless the controller or the orphan is being deleted); owned objects
 * that no longer match are released. Adoption first re-reads the controller from the API,
 * so a controller being deleted never adopts (RecheckDeletionTimestamp).
 */
import type { KubeObject } from '../../../api/object.ts';
import type { LabelSelector } from '../../../api/selectors/label-selector.ts';
import type { Client, TypeRef } from '../../../client/types.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { adoptPatch, controllerOf, releasePatch } from './resources/controller-ref.ts';

export interface ClaimContext {
  client: Client;
  owner: KubeObject;
  ownerType: TypeRef;
  selector: LabelSelector;
  /** The dependents' kind. */
  type: TypeRef;
}

/** Returns the objects `ctx.owner` now controls out of `candidates`, adopting and releasing as needed. */
export async function claim<T extends KubeObject>(ctx: ClaimContext, candidates: readonly T[]): Promise<T[]> {
  const { client, owner, selector } = ctx;
  const claimed: T[] = [];
  let canAdopt: Promise<boolean> | undefined;
  const recheck = async (): Promise<boolean> => {
    const fresh = await client.get(ctx.ownerType, owner.metadata.namespace, owner.metadata.name!);
    return fresh !== undefined && fresh.metadata.uid === owner.metadata.uid && !fresh.metadata.deletionTimestamp;
  };
  for (const obj of candidates) {
    const ref = controllerOf(obj);
    const matches = selector.matches(obj.metadata.labels ?? {});
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (matches) {
        claimed.push(obj);
        continue;
      }
      if (owner.metadata.deletionTimestamp) continue;
      await ignoreGone(client.patch(ctx.type, obj.metadata.namespace, obj.metadata.name!, 'strategic', releasePatch(owner, obj)));
      continue;
    }
    if (owner.metadata.deletionTimestamp || !matches || obj.metadata.deletionTimestamp) continue;
    if (obj.metadata.namespace !== owner.metadata.namespace) continue;
    if (!(await (canAdopt ??= recheck()))) continue;
    if (await ignoreGone(client.patch(ctx.type, obj.metadata.namespace, obj.metadata.name!, 'strategic', adoptPatch(owner, obj)))) claimed.push(obj);
  }
  return claimed;
}

/** Resolves true when the write happened, false when the object was already gone. */
async function ignoreGone(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (err) {
    if (isSkiffError(err, 'SKF_API_NOT_FOUND')) return false;
    throw err;
  }
}
