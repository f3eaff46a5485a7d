/**
 * The mesh phase of `npm run bench` (issue 5 item 13): (a) a TLS-terminating gateway's
 * throughput under wrk — skiff's istio-ingressgateway pod beside nginx doing the same job
 * (terminate TLS with the same ECDSA P-256 certificate, proxy to the same upstream nginx over
 * kept-alive connections), one after the other in one run; (d) config propagation from
 * `kubectl apply` of a VirtualService to the first request it routes. (b) and (c) need
 * sidecars, which are not built yet; the report says so.
 *
 * On a machine with two or more CPUs the proxies (skiff's process, which hosts the gateway
 * proxy, and the nginx peer) are pinned to CPU 0 and wrk and the upstream to CPU 1, so that
 * both proxies get the same single core and the load generator does not compete with them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:https';
import { connect } from 'node:tls';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kubectlFor } from '../test/support/kubectl.ts';
import { startTlsPeerNginx, startUpstreamNginx, type NginxInstance } from './mesh-nginx.ts';
import { firstOk, measurePropagation, type PropagationResult } from './mesh-propagation.ts';
import { BENCH_DOMAIN, GATEWAY_POD_PORT, setUpMesh } from './mesh-setup.ts';
import { runWrk, type WrkResult } from './mesh-wrk.ts';
import { startSkiffTarget, type SkiffTarget } from './targets.ts';

const run = promisify(execFile);

export const WRK_THREADS = 1;
export const WRK_CONNECTIONS = 32;
const WARMUP_SECONDS = 2;
const PROPAGATION_TRIES = 10;

export interface MeshResults {
  nginx?: WrkResult;
  skiff?: WrkResult;
  /** What each side negotiated with a default client: protocol and cipher. */
  nginxTls?: string;
  skiffTls?: string;
  propagation?: PropagationResult;
  /** Why (d) has no figures, when it failed: the other figures are still printed. */
  propagationError?: string;
  seconds: number;
  /** `proxy CPUs / load CPUs` when pinned with taskset, else undefined. */
  pinning?: { proxy: string; load: string };
  loadBefore: number;
  loadAfter: number;
}

export async function measureMesh(seconds: number, progress: (m: string) => void): Promise<MeshResults> {
  const pinning = availableParallelism() >= 2 ? { proxy: '0', load: '1' } : undefined;
  const results: MeshResults = { seconds, loadBefore: loadavg()[0]!, loadAfter: 0, ...(pinning ? { pinning } : {}) };
  const dir = await mkdtemp(join(tmpdir(), 'skiff-bench-mesh-'));
  const started: Array<NginxInstance | SkiffTarget> = [];
  // Node exits quietly when nothing is left to wait on; say so instead of printing no report.
  const quietExit = () => process.stderr.write('[bench] mesh: the process is exiting before the mesh phase finished\n');
  process.once('exit', quietExit);
  try {
    const cert = await makeEcdsaCertificate(dir);
    const upstream = await startUpstreamNginx(pinning?.load);
    started.push(upstream);
    const peer = await startTlsPeerNginx({ upstreamPort: upstream.port, ...cert, ...(pinning ? { cpus: pinning.proxy } : {}) });
    started.push(peer);
    progress('mesh: starting skiff up and the seed\'s control plane, Gateway and VirtualService');
    const skiff = await startSkiffTarget('embedded');
    started.push(skiff);
    const kubectl = kubectlFor(skiff.kubeconfig);
    const podIP = await setUpMesh(kubectl, cert, upstream.port);
    const agent = new Agent({ keepAlive: true });
    await firstOk(agent, podIP, `app.${BENCH_DOMAIN}`, 60_000).finally(() => agent.destroy());
    // All of skiff's threads: the gateway proxy runs in skiff's own process.
    if (pinning) await run('taskset', ['-a', '-p', '-c', pinning.proxy, String(skiff.pid)]);

    const wrk = (url: string) => ({ url, host: `app.${BENCH_DOMAIN}`, threads: WRK_THREADS, connections: WRK_CONNECTIONS, ...(pinning ? { cpus: pinning.load } : {}) });
    const nginxUrl = `https://127.0.0.1:${peer.port}/`;
    const skiffUrl = `https://${podIP}:${GATEWAY_POD_PORT}/`;
    results.nginxTls = await negotiated('127.0.0.1', peer.port);
    results.skiffTls = await negotiated(podIP, GATEWAY_POD_PORT);
    progress(`mesh (a): warm-up, ${WARMUP_SECONDS} s each`);
    await runWrk({ ...wrk(nginxUrl), seconds: WARMUP_SECONDS });
    await runWrk({ ...wrk(skiffUrl), seconds: WARMUP_SECONDS });
    progress(`mesh (a): nginx TLS proxy, wrk -t${WRK_THREADS} -c${WRK_CONNECTIONS} -d${seconds}s`);
    results.nginx = await runWrk({ ...wrk(nginxUrl), seconds });
    progress(`mesh (a): skiff istio-ingressgateway, wrk -t${WRK_THREADS} -c${WRK_CONNECTIONS} -d${seconds}s`);
    results.skiff = await runWrk({ ...wrk(skiffUrl), seconds });
    progress(`mesh (d): config propagation, ${PROPAGATION_TRIES} VirtualServices`);
    try {
      results.propagation = await measurePropagation(kubectl, podIP, PROPAGATION_TRIES);
    } catch (error) {
      results.propagationError = error instanceof Error ? error.message : String(error);
    }
  } finally {
    for (const target of started.reverse()) await target.stop();
    await rm(dir, { recursive: true, force: true });
    process.off('exit', quietExit);
  }
  results.loadAfter = loadavg()[0]!;
  return results;
}

/** `TLSv1.3 TLS_AES_256_GCM_SHA384`: what a default OpenSSL client (as wrk is) gets from the server. */
function negotiated(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, servername: `app.${BENCH_DOMAIN}`, rejectUnauthorized: false }, () => {
      resolve(`${socket.getProtocol() ?? '?'} ${socket.getCipher().standardName}`);
      socket.destroy();
    });
    socket.once('error', (error) => resolve(`handshake failed: ${error.message}`));
  });
}

/** The certificate both proxies serve: ECDSA P-256, self-signed, for `*.bench.example.com`. */
async function makeEcdsaCertificate(dir: string): Promise<{ certFile: string; keyFile: string }> {
  const certFile = join(dir, 'bench.crt');
  const keyFile = join(dir, 'bench.key');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', `/CN=*.${BENCH_DOMAIN}`, '-addext', `subjectAltName=DNS:*.${BENCH_DOMAIN}`, '-keyout', keyFile, '-out', certFile]);
  return { certFile, keyFile };
}
