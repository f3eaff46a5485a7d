export { ObjectService, toVersion, FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from './object-service.ts';
export { WatchService } from './watch-service.ts';
export type * from './types.ts';
