/**
 * A pre-started Node process waiting to become a container running one of skiff's
 * built-in programs. Starting Node costs ~60 ms (more under load); the runtime keeps a few
 * of these warm, so a hello-world pod starts in a few milliseconds.
 *
 * Protocol on fd 3 (a socket pair with the runtime): the zygote writes `ready\n` once warm;
 * the runtime writes one JSON line `{entry, args, env, cwd, title}`; the zygote closes fd 3,
 * takes that environment, argv and working directory as its own and imports the program.
 * If fd 3 closes before a spec arrives (the runtime stopped or died), the zygote exits.
 *
 * This file is bundled on its own and run with plain `node`; it imports nothing of skiff.
 */
import { Socket } from 'node:net';
import { pathToFileURL } from 'node:url';

interface Spec {
  entry: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  title?: string;
}

// Warm the modules the built-in programs use, so specialising costs no module loading.
await Promise.all([import('node:http'), import('node:net'), import('node:crypto'), import('node:url')]);

const control = new Socket({ fd: 3, readable: true, writable: true });
let buffered = '';
let specialised = false;
control.setEncoding('utf8');
control.on('data', (chunk: string) => {
  buffered += chunk;
  const newline = buffered.indexOf('\n');
  if (newline < 0 || specialised) return;
  specialised = true;
  const spec = JSON.parse(buffered.slice(0, newline)) as Spec;
  control.destroy();
  void become(spec);
});
control.on('close', () => {
  if (!specialised) process.exit(0);
});
control.on('error', () => {
  if (!specialised) process.exit(0);
});
control.write('ready\n');

async function become(spec: Spec): Promise<void> {
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, spec.env);
  process.argv = [process.execPath, spec.entry, ...spec.args];
  if (spec.title) process.title = spec.title;
  try {
    process.chdir(spec.cwd);
  } catch (err) {
    process.stderr.write(`cannot enter working directory ${spec.cwd}: ${(err as Error).message}\n`);
    process.exit(128);
  }
  await import(pathToFileURL(spec.entry).href);
}
