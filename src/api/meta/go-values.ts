/**
 * Go renderings of typed metadata values that appear in Kubernetes' ObjectMeta messages
 * (`[]v1.OwnerReference{…}`, times as time.Time prints them), so that our messages read
 * like kube-apiserver's.
 */
import type { OwnerReference } from '../object.ts';
import { GoText, goQuote } from '../schema/go-format.ts';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** time.Time's String(): `2006-01-02 15:04:05.999999999 -0700 MST`, in UTC for API timestamps. */
export function goTime(rfc3339: string): GoText {
  const date = new Date(rfc3339);
  if (Number.isNaN(date.getTime())) return new GoText(goQuote(rfc3339));
  const fraction = /\.(\d+)/.exec(rfc3339)?.[1]?.replace(/0+$/, '');
  const clock = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${fraction ? `.${fraction}` : ''}`;
  return new GoText(`${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${clock} +0000 UTC`);
}

function goBoolPointer(value: boolean | undefined): string {
  // Go prints a non-nil pointer's address; a stable stand-in keeps messages deterministic.
  return value === undefined ? '(*bool)(nil)' : `(*bool)(${value})`;
}

export function goOwnerReference(ref: OwnerReference): string {
  return `v1.OwnerReference{APIVersion:${goQuote(ref.apiVersion ?? '')}, Kind:${goQuote(ref.kind ?? '')}, Name:${goQuote(ref.name ?? '')}, UID:${goQuote(ref.uid ?? '')}, Controller:${goBoolPointer(ref.controller)}, BlockOwnerDeletion:${goBoolPointer(ref.blockOwnerDeletion)}}`;
}

export function goOwnerReferences(refs: readonly OwnerReference[]): GoText {
  return new GoText(`[]v1.OwnerReference{${refs.map(goOwnerReference).join(', ')}}`);
}
