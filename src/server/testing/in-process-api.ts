/**
 * An in-process API server core on a fresh embedded store in a temp dir, for unit tests of
 * code that reads and writes through the Client: every kind, admission and the in-process
 * client, no HTTP and no controllers. `stop` closes both and removes the dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '../../client/types.ts';
import { openStore } from '../../store/open.ts';
import { silentLogger } from '../../util/log.ts';
import { createApiServerCore } from '../api-server-core.ts';

export interface InProcessApi {
  client: Client;
  stop(): Promise<void>;
}

export async function startInProcessApi(name: string): Promise<InProcessApi> {
  const dir = mkdtempSync(join(tmpdir(), `skiff-${name}-`));
  const store = await openStore('embedded', { dataDir: dir, log: silentLogger() });
  const core = createApiServerCore({ store, log: silentLogger(), version: {} });
  await core.start();
  return {
    client: core.client,
    stop: async () => {
      core.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
