/**
 * Strategic-merge-patch failures, worded as apimachinery's mergepatch errors. kube-apiserver
 * answers the format errors with 400 and lists-of-lists / retainKeys mismatches with 422
 * (handlers/patch.go interpretStrategicMergePatchError); everything else reaches clients as
 * a bare 500 there, which skiff answers as 422 because the fault is in the patch.
 */
import { goValue } from '../../../api/schema/go-format.ts';
import { SkiffError } from '../../../errors/skiff-error.ts';
import type { JsonValue } from '../json.ts';

export function badPatchFormat(message: string): SkiffError {
  return new SkiffError('SKF_API_BAD_REQUEST', message);
}

export function invalidPatch(message: string): SkiffError {
  return new SkiffError('SKF_API_BAD_PATCH', message);
}

export const errBadPatchFormatForPrimitiveList = (): SkiffError => badPatchFormat('invalid patch format of primitive list');
export const errBadPatchFormatForRetainKeys = (): SkiffError => badPatchFormat('invalid patch format of retainKeys');
export const errBadPatchFormatForSetElementOrderList = (): SkiffError => badPatchFormat('invalid patch format of setElementOrder list');
export const errNoListOfLists = (): SkiffError => invalidPatch('lists of lists are not supported');

export function errNoMergeKey(item: JsonValue, mergeKey: string): SkiffError {
  return invalidPatch(`map: ${goValue(item)} does not contain declared merge key: ${mergeKey}`);
}

export function errBadPatchType(directive: JsonValue, map: JsonValue): SkiffError {
  return invalidPatch(`unknown patch type: ${goValue(directive)} in map: ${goValue(map)}`);
}

/** Go's ErrBadArgType wording, naming JSON kinds as decoded Go values. */
export function errBadArgType(expected: 'map' | 'list', actual: JsonValue | undefined): SkiffError {
  const goType = (v: JsonValue | undefined): string => {
    if (v === null || v === undefined) return '<nil>';
    if (Array.isArray(v)) return '[]interface {}';
    if (typeof v === 'object') return 'map[string]interface {}';
    return typeof v === 'number' ? 'float64' : typeof v;
  };
  return invalidPatch(`expected a ${expected === 'map' ? 'map[string]interface {}' : '[]interface {}'}, but received a ${goType(actual)}`);
}
