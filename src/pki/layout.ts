/**
 * Where skiff keeps its cluster credentials inside a data directory. One place, so that
 * `skiff up` (which writes them) and the CLI commands (which read them) agree.
 */
import { join } from 'node:path';

/** DIR/pki: cluster CA, API serving certificate, admin client certificate and token. */
export function pkiDirOf(dataDir: string): string {
  return join(dataDir, 'pki');
}

/** DIR/kubeconfig: what `skiff kubeconfig` prints and `export KUBECONFIG=…` points at. */
export function kubeconfigPathOf(dataDir: string): string {
  return join(dataDir, 'kubeconfig');
}

/** File names inside the PKI directory. */
export const PKI_FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  servingCert: 'apiserver.crt',
  servingKey: 'apiserver.key',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
  adminToken: 'admin.token',
} as const;
