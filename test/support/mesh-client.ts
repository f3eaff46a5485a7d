/**
 * A client in the mesh, for end-to-end suites: a workload certificate for `namespace/
 * serviceAccount` as istiod would issue it to a meshed pod, signed with the mesh CA that the
 * running skiff keeps in `istio-ca-secret` (read with kubectl, as a user could), written as
 * PEM files that curl and openssl take (`--cert`, `--key`, `-CAfile`).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueWorkloadCertificate } from '../../src/mesh/pki/index.ts';
import { meshCaFromFiles } from '../../src/mesh/pki/mesh-ca.ts';
import type { TestSkiff } from './skiff.ts';

export interface MeshClientFiles { cert: string; key: string; root: string }

/** Writes `<prefix>.crt`, `<prefix>.key` and `<prefix>-root.crt` into `dir`; returns their names (relative to `dir`). */
export async function writeMeshClientCertificate(s: TestSkiff, dir: string, id: { namespace: string; serviceAccount: string }, prefix = 'mesh-client', meshNamespace = 'istio-system'): Promise<MeshClientFiles> {
  const secret = JSON.parse(await s.kubectl.ok(['get', 'secret', 'istio-ca-secret', '-n', meshNamespace, '-o', 'json'])) as { data: Record<string, string> };
  const files = Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  const ca = meshCaFromFiles(files, { meshNamespace, trustDomain: 'cluster.local', source: 'self-signed', secretName: 'istio-ca-secret' }, new Date());
  const client = await issueWorkloadCertificate(ca, id);
  const names = { cert: `${prefix}.crt`, key: `${prefix}.key`, root: `${prefix}-root.crt` };
  writeFileSync(join(dir, names.cert), client.certChainPem);
  writeFileSync(join(dir, names.key), client.keyPem);
  writeFileSync(join(dir, names.root), client.rootCertPem);
  return names;
}

/**
 * Runs `body` with the seed SMCP (`istio-system/basic`) asking for an access log
 * (`spec.proxy.accessLogging.file`), and turns it off again after, so that a suite's later
 * cases run as before.
 */
export async function withSmcpAccessLog<T>(s: TestSkiff, file: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const patch = (accessLogging: unknown) => s.kubectl.ok(['patch', '-n', 'istio-system', 'smcp/basic', '--type', 'merge', '-p', JSON.stringify({ spec: { proxy: { accessLogging } } })]);
  await patch({ file });
  try {
    return await body();
  } finally {
    await patch(null);
  }
}
