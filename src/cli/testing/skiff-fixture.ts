/**
 * Test fixture for the CLI: runs the real `skiff` command line, but `up` starts a small
 * HTTPS server instead of the whole of skiff. Like src/server/start.ts it holds the
 * data-directory lock and writes skiff.json, and it answers what the CLI reads (`/readyz`,
 * `/skiff/v1/status`, `/version`) with the cluster PKI's authentication, so output, signals
 * and `status`/`down`/`version` can be tested without the API server.
 * Its path contains "skiff", so the lock's identity check accepts it as a skiff.
 *
 * Environment switches: SKIFF_FIXTURE_UNHEALTHY=<component> reports that component unhealthy;
 * SKIFF_FIXTURE_HANG_ON_STOP=1 makes the graceful stop never finish.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { SkiffError } from '../../errors/skiff-error.ts';
import { authenticate } from '../../pki/authenticate.ts';
import { ensureClusterPki } from '../../pki/cluster-pki.ts';
import { writeKubeconfig } from '../../pki/kubeconfig.ts';
import { kubeconfigPathOf, pkiDirOf } from '../../pki/layout.ts';
import { removeInstanceFile, writeInstanceFile } from '../../server/instance-file.ts';
import { acquireInstanceLock, type InstanceLock } from '../../server/instance-lock.ts';
import type { ComponentHealth, InstanceInfo, RunningSkiff, SkiffOptions } from '../../server/types.ts';
import type { StartSkiff } from '../context.ts';
import { SKIFF_VERSION } from '../../server/version.ts';
import { runCli } from '../run.ts';

const startFixture: StartSkiff = async (options) => {
  const lock = await acquireInstanceLock(options.dataDir);
  try {
    return await serve(options, lock);
  } catch (error) {
    await lock.release();
    throw error;
  }
};

async function serve(options: SkiffOptions, lock: InstanceLock): Promise<RunningSkiff> {
  const pki = await ensureClusterPki(pkiDirOf(options.dataDir));
  const unhealthy = process.env.SKIFF_FIXTURE_UNHEALTHY;
  const components = (): ComponentHealth[] => ['store', 'controllers'].map((name) => (
    name === unhealthy ? { name, healthy: false, message: `${name} is failing (fixture)` } : { name, healthy: true }
  ));
  const server = createServer(pki.tlsServerOptions(), (req: IncomingMessage, res: ServerResponse) => {
    if (authenticate(req, pki) === undefined) return send(res, 401, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 });
    const path = new URL(req.url ?? '/', 'https://fixture').pathname;
    if (path === '/readyz') {
      const lines = components().map((c) => (c.healthy ? `[+]${c.name} ok` : `[-]${c.name} failed: reason withheld`));
      const ready = components().every((c) => c.healthy);
      res.writeHead(ready ? 200 : 500, { 'content-type': 'text/plain' });
      return res.end(`${lines.join('\n')}\nreadyz check ${ready ? 'passed' : 'failed'}\n`);
    }
    if (path === '/skiff/v1/status') return send(res, 200, { components: components() });
    if (path === '/version') return send(res, 200, { major: '1', minor: '32', gitVersion: `v1.32.0-skiff.${SKIFF_VERSION}`, platform: `${process.platform}/${process.arch}` });
    return send(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE'
      ? new SkiffError('SKF_CLI_PORT_IN_USE', `port ${options.apiPort} on 127.0.0.1 is in use`)
      : error));
    server.listen(options.apiPort, '127.0.0.1', resolve);
  });
  const info: InstanceInfo = {
    pid: process.pid,
    apiServer: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    kubeconfig: kubeconfigPathOf(options.dataDir),
    dataDir: options.dataDir,
    store: options.store,
    startedAt: new Date().toISOString(),
    version: SKIFF_VERSION,
  };
  await writeKubeconfig(info.kubeconfig, { server: info.apiServer, caPem: pki.caPem, token: pki.adminToken, clientCertPem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem });
  await writeInstanceFile(options.dataDir, info);
  return {
    info,
    health: components,
    async stop() {
      if (process.env.SKIFF_FIXTURE_HANG_ON_STOP === '1') await new Promise<never>(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await removeInstanceFile(options.dataDir, process.pid);
      await lock.release();
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, startSkiff: startFixture });
