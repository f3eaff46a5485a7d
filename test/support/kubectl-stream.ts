/**
 * A long-running kubectl (`get -w`, `logs -f` …) whose output a test waits on: `waitFor`
 * resolves as soon as everything printed so far matches, and fails with the output when the
 * process exits or the deadline passes first. Uses a private discovery cache like kubectl.ts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KubectlStream {
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

export function startKubectlStream(kubeconfig: string, args: string[]): KubectlStream {
  const child = spawn('kubectl', args, {
    env: { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: mkdtempSync(join(tmpdir(), 'skiff-kubecache-')) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let exited = false;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    notify();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<void>((resolve) => child.once('close', () => {
    exited = true;
    notify();
    resolve();
  }));
  return {
    output: () => stdout,
    waitFor: (pattern, timeoutMs = 30_000) => new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stdout);
        if (match !== null) done(() => resolve(match));
        else if (exited) done(() => reject(new Error(`kubectl ${args.join(' ')} exited before printing ${pattern}\nstdout: ${stdout}\nstderr: ${stderr}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`kubectl ${args.join(' ')} did not print ${pattern} within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`))), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        settle();
      };
      listeners.add(check);
      check();
    }),
    stop: async () => {
      if (!exited) child.kill('SIGTERM');
      await closed;
    },
  };
}
