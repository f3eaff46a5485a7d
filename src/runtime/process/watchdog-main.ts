/**
 * The runtime's watchdog: a small process in its own session whose stdin is a pipe from
 * skiff. Node has no PR_SET_PDEATHSIG, so when skiff dies (kill -9, OOM, crash) nothing
 * would stop its containers; the watchdog notices the pipe's end and SIGKILLs every
 * process carrying this runtime's marker (see proc.ts), then removes the runtime's
 * memory-backed volumes (their tmpfs would keep the secrets in them until the machine
 * restarts) and exits. On a clean stop skiff has already stopped its pods, and the watchdog
 * finds nothing to kill.
 *
 * Usage: node watchdog.mjs <runtime-id> [<memory volumes dir>]. Bundled on its own; imports
 * nothing of skiff except proc.ts, which has no skiff imports.
 */
import { rm } from 'node:fs/promises';
import { killMarkedProcesses } from './proc.ts';

const [runtimeId, memoryVolumes] = process.argv.slice(2);
if (!runtimeId) {
  process.stderr.write('usage: watchdog <runtime-id> [<memory volumes dir>]\n');
  process.exit(2);
}

// A terminal's Ctrl-C or a hang-up is for skiff, which stops its pods itself.
for (const signal of ['SIGINT', 'SIGHUP', 'SIGTERM'] as const) process.on(signal, () => undefined);

let reaping = false;
const reap = () => {
  if (reaping) return;
  reaping = true;
  void killMarkedProcesses(runtimeId)
    .finally(() => (memoryVolumes ? rm(memoryVolumes, { recursive: true, force: true }) : undefined))
    .finally(() => process.exit(0));
};
process.stdin.on('end', reap);
process.stdin.on('close', reap);
process.stdin.on('error', reap);
process.stdin.resume();
