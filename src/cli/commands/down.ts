/**
 * `skiff down`: asks the instance on a data directory to stop (SIGTERM, the same as Ctrl-C
 * on `skiff up`) and waits until its process has exited and the lock is free, so a
 * following `skiff up` on the same directory succeeds.
 */
import { Command, Option } from '@commander-js/extra-typings';
import { setTimeout as delay } from 'node:timers/promises';
import { SkiffError } from '../../errors/skiff-error.ts';
import { removeInstanceFile } from '../../server/instance-file.ts';
import { isSkiffProcess, readLockHolder } from '../../server/instance-lock.ts';
import type { CliContext } from '../context.ts';
import { inspectInstance, notRunningError } from '../instance.ts';
import { dataDirOption, outputOption, parseDuration, resolveDataDir } from '../options.ts';
import { printData } from '../output.ts';

/** How often to look whether the process is gone: it is not our child, so nothing notifies us. */
const POLL_INTERVAL_MS = 50;

export function downCommand(ctx: CliContext, done: (code: number) => void) {
  return new Command('down')
    .description('stop the skiff running on the data directory and wait until it has exited')
    .addOption(dataDirOption())
    .addOption(new Option('--timeout <duration>', 'how long to wait for a clean stop, e.g. 30s or 2m').argParser(parseDuration).default(30_000, '30s'))
    .addOption(outputOption())
    .action(async (flags) => {
      const dataDir = resolveDataDir(flags.dataDir, ctx.env);
      const found = await inspectInstance(dataDir);
      if (found.state === 'stopped') {
        // A crashed instance leaves skiff.json behind; `down` is the natural place to tidy it.
        if (found.stale !== undefined) await removeInstanceFile(dataDir, found.stale.pid);
        throw notRunningError(dataDir, found);
      }
      const { pid } = found;
      try {
        process.kill(pid, 'SIGTERM');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
      await waitUntilStopped(dataDir, pid, flags.timeout);
      printData(ctx, flags.output, { stopped: true, pid, dataDir }, () => 'skiff stopped\n');
      done(0);
    });
}

async function waitUntilStopped(dataDir: string, pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const holder = await readLockHolder(dataDir);
    if (holder?.pid !== pid && !(await isSkiffProcess(pid))) return;
    if (Date.now() >= deadline) {
      throw new SkiffError('SKF_CLI_STOP_TIMEOUT', `skiff (pid ${pid}) on ${dataDir} is still running ${timeoutMs / 1000}s after SIGTERM`, { details: { pid, dataDir } });
    }
    await delay(POLL_INTERVAL_MS);
  }
}
