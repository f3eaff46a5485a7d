/**
 * A shell in which the seed documents' commands run verbatim: bash in a temporary working
 * directory (where `openssl` writes its keys and `oc apply -f x.yaml` finds x.yaml), with an
 * `oc` on PATH that is the real kubectl, against a private copy of skiff's kubeconfig (so
 * `oc project` changes only this shell's namespace) and a private discovery cache.
 */
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ShellResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SeedShell {
  /** The working directory the commands run in. */
  readonly dir: string;
  /** Runs `command` with bash, as a user would paste it; `env` adds variables (e.g. KUBE_EDITOR). */
  run(command: string, env?: Readonly<Record<string, string>>): Promise<ShellResult>;
  /** Writes `text` to `name` in the working directory and returns the path. */
  write(name: string, text: string): string;
  close(): void;
}

/**
 * `oc` is kubectl, except for OpenShift's `oc project NAME`, which kubectl spells
 * `kubectl config set-context --current --namespace NAME`; like oc, it refuses a project that
 * does not exist and says which one it switched to.
 */
const OC = `#!/usr/bin/env bash
if [[ "\${1:-}" == project && $# -eq 2 ]]; then
  server=$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')
  if ! kubectl get namespace "$2" -o name >/dev/null 2>&1; then
    echo "error: A project named \\"$2\\" does not exist on \\"$server\\"." >&2
    exit 1
  fi
  kubectl config set-context --current --namespace="$2" >/dev/null || exit 1
  echo "Now using project \\"$2\\" on server \\"$server\\"."
  exit 0
fi
exec kubectl "$@"
`;

export function seedShell(kubeconfig: string): SeedShell {
  const root = mkdtempSync(join(tmpdir(), 'skiff-seed-'));
  const dir = join(root, 'work');
  const bin = join(root, 'bin');
  mkdirSync(dir);
  mkdirSync(bin);
  writeFileSync(join(bin, 'oc'), OC);
  chmodSync(join(bin, 'oc'), 0o755);
  const config = join(root, 'kubeconfig');
  copyFileSync(kubeconfig, config);
  const env = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    KUBECONFIG: config,
    KUBECACHEDIR: join(root, 'kube-cache'),
    KUBECTL_EXTERNAL_DIFF: '',
    HOME: root,
  };
  return {
    dir,
    run: (command, extra = {}) =>
      new Promise<ShellResult>((resolve, reject) => {
        const child = spawn('bash', ['-c', command], { cwd: dir, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code: code ?? -1, stdout, stderr });
        });
      }),
    write: (name, text) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    close: () => rmSync(root, { recursive: true, force: true }),
  };
}
