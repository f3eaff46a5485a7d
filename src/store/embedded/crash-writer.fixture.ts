/**
 * Child process for the crash-safety test: writes to an embedded store as fast as it can and
 * prints one line per acknowledged write (`<key> <step>`), until it is killed with SIGKILL.
 * Pipes are synchronous on Linux, so a printed line left the process before the kill.
 *
 * Usage: node --import tsx crash-writer.fixture.ts <store dir> <round>
 */
import { silentLogger } from '../../util/log.ts';
import { openEmbeddedStore } from './embedded-store.ts';

const [dir, round] = process.argv.slice(2);
if (dir === undefined || round === undefined) throw new Error('usage: crash-writer.fixture.ts <store dir> <round>');

// A small snapshot threshold so that kills also land during rotations and snapshots.
const store = await openEmbeddedStore({ dir, log: silentLogger(), snapshotAfterBytes: 256 * 1024 });
const WRITERS = 16;
await Promise.all(
  Array.from({ length: WRITERS }, async (_, writer) => {
    for (let n = 0; ; n++) {
      const key = `/crash/r${round}/w${writer}/k${n}`;
      const value = (step: number) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `k${n}` }, data: { step: String(step), pad: 'x'.repeat(200) } });
      await store.create(key, value(0));
      process.stdout.write(`${key} 0\n`);
      await store.update(key, value(1));
      process.stdout.write(`${key} 1\n`);
    }
  }),
);
