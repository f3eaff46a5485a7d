/** Process entry of the `skiff` CLI (bin/skiff.js loads it through tsx). */
import type { Writable } from 'node:stream';
import { runCli } from './run.ts';

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
await Promise.all([drain(process.stdout), drain(process.stderr)]);
// Exit explicitly: after `skiff up` stops, a handle some component failed to close must not
// keep the process (and the user's terminal) waiting.
process.exit(code);

function drain(stream: Writable): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}
