/**
 * Write hooks: kind-specific steps around the store write, as kube-apiserver's registry
 * Store has them (BeginCreate / BeginUpdate with a finish callback). A hook runs after
 * admission — defaults and validation are done — right before the object is written, may
 * fill in server-allocated fields (a Service's cluster IP and node ports), and is told when
 * the write is over, whether it succeeded or not.
 */
import type { KindDefinition } from '../../api/kind.ts';
import type { KubeObject } from '../../api/object.ts';
import type { Target } from './types.ts';

export interface WriteHookRequest {
  target: Target;
  /** The admitted object about to be stored; the hook may change it. */
  object: KubeObject;
  /** The stored object on update; absent on create. */
  old?: KubeObject;
  dryRun: boolean;
}

export interface WriteHook {
  /** Whether the hook applies to writes of this kind through this subresource (undefined = the main resource). */
  handles(def: KindDefinition, subresource: string | undefined): boolean;
  /** Resolves to `finish`, which the storage layer calls exactly once after the write. */
  begin(req: WriteHookRequest): Promise<() => void>;
}

/** Runs the hooks that apply, in order; if one throws, the ones already begun are finished. */
export async function beginWriteHooks(hooks: readonly WriteHook[], req: WriteHookRequest): Promise<() => void> {
  const finishers: Array<() => void> = [];
  const finishAll = () => {
    for (const f of finishers.splice(0).reverse()) f();
  };
  try {
    for (const hook of hooks) {
      if (hook.handles(req.target.def, req.target.subresource)) finishers.push(await hook.begin(req));
    }
  } catch (err) {
    finishAll();
    throw err;
  }
  return finishAll;
}
