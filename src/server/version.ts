/** skiff's version and the Kubernetes version its API server reports (`/version`). */
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export const SKIFF_VERSION: string = pkg.version;

/** The Kubernetes minor version whose API skiff reproduces (kubectl 1.32's server). */
export const KUBERNETES_VERSION = { major: '1', minor: '32', patch: '0' } as const;

export function kubernetesVersionInfo(): Record<string, string> {
  return {
    major: KUBERNETES_VERSION.major,
    minor: KUBERNETES_VERSION.minor,
    gitVersion: `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.${KUBERNETES_VERSION.patch}-skiff.${SKIFF_VERSION}`,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '',
    goVersion: `node${process.versions.node}`,
    compiler: 'skiff',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
