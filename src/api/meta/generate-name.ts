/**
 * metadata.generateName, as kube-apiserver's SimpleNameGenerator does it
 * (apiserver pkg/storage/names/generate.go): the base is cut to 58 characters and five
 * random characters from an alphabet without vowels (no accidental words) and without
 * 0, 1, 3 (easily confused) are appended.
 */
import { randomInt } from 'node:crypto';

export const GENERATED_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
export const GENERATED_SUFFIX_LENGTH = 5;
const MAX_NAME_LENGTH = 63;
export const MAX_GENERATED_BASE_LENGTH = MAX_NAME_LENGTH - GENERATED_SUFFIX_LENGTH;

/** Random index in [0, n); injectable so tests are deterministic. */
export type RandomIndex = (n: number) => number;

export function generateName(base: string, random: RandomIndex = randomInt): string {
  const prefix = base.length > MAX_GENERATED_BASE_LENGTH ? base.slice(0, MAX_GENERATED_BASE_LENGTH) : base;
  let suffix = '';
  for (let i = 0; i < GENERATED_SUFFIX_LENGTH; i++) suffix += GENERATED_NAME_ALPHABET[random(GENERATED_NAME_ALPHABET.length)];
  return prefix + suffix;
}

/**
 * Fills metadata.name from generateName when the name is empty, as the apiserver does
 * before validating a create (rest.BeforeCreate). Returns the name it chose, if any.
 */
export function applyGenerateName(meta: { name?: string; generateName?: string }, random?: RandomIndex): string | undefined {
  if (meta.name || !meta.generateName) return undefined;
  meta.name = generateName(meta.generateName, random);
  return meta.name;
}
