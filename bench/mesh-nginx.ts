/**
 * Private nginx instances for the mesh benchmark (Debian's /usr/sbin/nginx, one worker, a temp
 * prefix, 127.0.0.1 on a free port): the upstream that answers every request with a 13-byte
 * body, and the peer that does the gateway's job — terminate TLS and proxy_pass to that
 * upstream over kept-alive connections. Each runs in its own process group (master and worker)
 * so that stopping it cannot leave a worker behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const UPSTREAM_BODY = 'Hello World!\n';

export interface NginxInstance {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export interface TlsPeerOptions {
  upstreamPort: number;
  certFile: string;
  keyFile: string;
  /** CPU list for `taskset -c` (e.g. `0`), or undefined to leave it unpinned. */
  cpus?: string;
}

/** A port free right now (the kernel picks it); nginx cannot report a port it chose itself. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Envoy (and skiff's gateway) never close a client connection after N requests; nginx's default
// of 1000 would make wrk reconnect (and handshake) during the run, on both nginx sides.
const COMMON_HTTP = 'access_log off; keepalive_requests 100000000; keepalive_timeout 75s; default_type text/plain;';

export function startUpstreamNginx(cpus?: string): Promise<NginxInstance> {
  return startNginx((port) => `server {
    listen 127.0.0.1:${port} reuseport;
    location / { return 200 ${JSON.stringify(UPSTREAM_BODY)}; }
  }`, cpus);
}

export function startTlsPeerNginx(opts: TlsPeerOptions): Promise<NginxInstance> {
  return startNginx((port) => `upstream app {
    server 127.0.0.1:${opts.upstreamPort};
    keepalive 64;
    keepalive_requests 100000000;
  }
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${opts.certFile};
    ssl_certificate_key ${opts.keyFile};
    ssl_protocols TLSv1.2 TLSv1.3;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
    }
  }`, opts.cpus);
}

/** Process groups still running: killed if the benchmark exits without stopping them (a crash). */
const running = new Set<number>();
let exitHookInstalled = false;

function killOnExit(pgid: number): void {
  running.add(pgid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const group of running) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch { /* already gone */ }
    }
  });
}

async function startNginx(servers: (port: number) => string, cpus?: string): Promise<NginxInstance> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-bench-nginx-'));
  const port = await freePort();
  const config = `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  ${COMMON_HTTP}
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  ${servers(port)}
}
`;
  await writeFile(join(dir, 'nginx.conf'), config);
  const args = ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')];
  // taskset execs nginx in place: the pid spawned is nginx's master.
  const child = cpus === undefined
    ? spawn('nginx', args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn('taskset', ['-c', cpus, 'nginx', ...args], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killOnExit(child.pid!);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGQUIT');
      } catch { /* already gone */ }
      const killer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await exited;
      clearTimeout(killer);
    }
    running.delete(child.pid!);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilListening(port, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, pid: child.pid!, stop };
}

async function waitUntilListening(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}: ${stderr()}`);
    if (performance.now() > deadline) throw new Error(`nginx did not listen on ${port}: ${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
