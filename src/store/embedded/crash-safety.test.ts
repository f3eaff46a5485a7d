import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { silentLogger } from '../../util/log.ts';
import { openEmbeddedStore } from './embedded-store.ts';
import { withTempDir } from './test-support.ts';

const WRITER = fileURLToPath(new URL('./crash-writer.fixture.ts', import.meta.url));
/** The repository root, where `--import tsx` resolves, whatever the test runner's cwd. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ROUNDS = 3;
const ACKS_BEFORE_KILL = 1500;

/**
 * Runs the writer child until it has acknowledged `acks` writes, then SIGKILLs it mid-storm.
 * Returns the highest acknowledged step per key.
 */
async function writeUntilKilled(dir: string, round: number, acks: number): Promise<Map<string, number>> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, String(round)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const acknowledged = new Map<string, number>();
  let stderr = '';
  let partial = '';
  let count = 0;
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const [key, step] = line.split(' ');
        acknowledged.set(key!, Math.max(acknowledged.get(key!) ?? -1, Number(step)));
        count++;
      }
      if (count >= acks) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited early (${code ?? signal}): ${stderr}`));
    });
  });
  // Lines still in the pipe when the kill landed are read before 'close'.
  await closed;
  return acknowledged;
}

describe('embedded store crash safety', () => {
  it('keeps every acknowledged write across repeated kill -9', { timeout: 120_000 }, async () => {
    await withTempDir(async (dir) => {
      const everything = new Map<string, number>();
      for (let round = 1; round <= ROUNDS; round++) {
        const acknowledged = await writeUntilKilled(dir, round, ACKS_BEFORE_KILL);
        for (const [key, step] of acknowledged) everything.set(key, step);

        const store = await openEmbeddedStore({ dir, log: silentLogger() });
        try {
          const missing: string[] = [];
          for (const [key, step] of everything) {
            const stored = await store.get(key);
            const storedStep = Number((stored?.value['data'] as Record<string, string> | undefined)?.['step'] ?? -1);
            // A write in flight at the kill may or may not have landed; an acknowledged one must have.
            if (storedStep < step) missing.push(`${key} (acknowledged step ${step}, found ${stored === undefined ? 'nothing' : storedStep})`);
          }
          assert.deepEqual(missing, [], `round ${round}: acknowledged writes lost after kill -9`);
          const revisions = (await store.list('/crash/')).items.map((item) => item.modRevision);
          assert.equal(new Set(revisions).size, revisions.length);
        } finally {
          await store.close();
        }
      }
      assert.ok(everything.size >= ROUNDS * (ACKS_BEFORE_KILL / 2) * 0.9);
    });
  });
});
