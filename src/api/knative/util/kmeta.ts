/**
 * knative.dev/pkg `kmeta.ChildName`: a child resource's name from its parent's and a suffix,
 * kept within Kubernetes' 63 characters by cutting the parent and inserting the md5 of it.
 * Revisions (`hello-00001`), default container names (`user-container-0`) and many generated
 * objects are named this way.
 */
import { createHash } from 'node:crypto';

const LONGEST = 63;
const MD5_HEX_LEN = 32;
const HEAD = LONGEST - MD5_HEX_LEN;

const md5Hex = (s: string): string => createHash('md5').update(s).digest('hex');

export function childName(parent: string, suffix: string): string {
  if (parent.length <= LONGEST - suffix.length) return parent + suffix;
  if (HEAD - suffix.length <= 0) {
    // The suffix alone is too long to fit beside a hash: hash everything instead.
    let ret = parent.slice(0, HEAD) + md5Hex(parent + suffix);
    const room = LONGEST - ret.length;
    if (room > 0) ret += suffix.slice(0, room);
    return ret.replace(/[^a-zA-Z0-9]+$/, '');
  }
  return parent.slice(0, HEAD - suffix.length) + md5Hex(parent) + suffix;
}
