export { Activator, DEFAULT_TIMEOUT_SECONDS, TIMEOUT_MESSAGE, type ActivatorOptions, type RevisionSettings } from './activator.ts';
export type { Backend } from './revision-throttler.ts';
