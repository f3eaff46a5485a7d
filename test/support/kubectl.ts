/**
 * Runs the real `kubectl` on the machine against a skiff instance, with a private
 * discovery cache (kubectl caches discovery per host:port for hours; tests must not see
 * another run's kinds).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlRunOptions {
  stdin?: string;
  cwd?: string;
  timeoutMs?: number;
  /** Extra environment for this run (e.g. EDITOR for `kubectl edit`, TMPDIR for its saved copies). */
  env?: Record<string, string>;
}

export interface Kubectl {
  (args: string[], opts?: KubectlRunOptions): Promise<KubectlResult>;
  /** Like the call, but throws unless kubectl exits 0; returns stdout. */
  ok(args: string[], opts?: KubectlRunOptions): Promise<string>;
  readonly kubeconfig: string;
}

export function kubectlFor(kubeconfig: string): Kubectl {
  const cacheDir = mkdtempSync(join(tmpdir(), 'skiff-kubecache-'));
  const run = (args: string[], opts: KubectlRunOptions = {}) =>
    new Promise<KubectlResult>((resolve, reject) => {
      const child = spawn('kubectl', args, {
        cwd: opts.cwd,
        env: { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: cacheDir, KUBECTL_EXTERNAL_DIFF: '', ...opts.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end(opts.stdin ?? '');
    });
  const k = run as Kubectl;
  k.ok = async (args, opts) => {
    const r = await run(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r.stdout;
  };
  Object.defineProperty(k, 'kubeconfig', { value: kubeconfig });
  return k;
}
