/**
 * The `proxyv2` image (`pilot-agent proxy sidecar|router …`), pilot-agent's role: the
 * endpoints the kubelet and Prometheus use, on the pod's address ($SKIFF_LISTEN_ADDRESS, the
 * pod IP: in a meshed pod the runtime moves the app containers to an inner address and
 * hands it to every container as $SKIFF_APP_ADDRESS):
 *
 * - 15021 `GET /healthz/ready` → 200: the readiness endpoint of the injected sidecar and of the
 *   gateways (the probe the injector and the control plane's gateway Deployments set); it
 *   answers 503 until the node proxy serves the pod (proxy-readiness.ts);
 * - 15020 (the status port): `/healthz/ready` → 200; `/app-health/<container>/<readyz|livez|
 *   startupz>` runs the app's original probe from ISTIO_KUBE_APP_PROBERS against the app at
 *   $SKIFF_APP_ADDRESS, else $SKIFF_POD_IP (app-probers.ts) — pilot-agent probes the app on
 *   localhost, past the sidecar's inbound listeners — and a path without a prober is a 400 as
 *   in Istio; `/stats/prometheus` → the agent's own metrics (agent-metrics.ts); `POST
 *   /quitquitquit` from the pod itself → 200 and exit 0 (jobs use it to stop their sidecar).
 *
 * SIGTERM: Istio's agent keeps Envoy draining for terminationDrainDuration before it exits;
 * draining connections is the data plane's part, so this agent (which holds no traffic)
 * closes its listeners and exits 0 at once.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Program } from '../program.ts';
import { agentMetrics } from './agent-metrics.ts';
import { parseAppProbers, runProber } from './app-probers.ts';
import { NOT_READY_MESSAGE, proxyReadiness } from './proxy-readiness.ts';

export const READINESS_PORT = 15021;
export const DEFAULT_STATUS_PORT = 15020;

export const istioProxy: Program = (io) => {
  const log = (level: 'info' | 'warn' | 'error', message: string) => io.stderr.write(`${new Date().toISOString()}\t${level}\t${message}\n`);
  const host = io.env.SKIFF_LISTEN_ADDRESS || undefined;
  const podIP = io.env.SKIFF_POD_IP || io.env.INSTANCE_IP || '127.0.0.1';
  const appAddress = io.env.SKIFF_APP_ADDRESS || podIP;
  const role = io.args[0] === 'proxy' ? io.args[1] ?? 'sidecar' : 'sidecar';
  const statusPort = Number(flagValue(io.args, '--statusPort') ?? DEFAULT_STATUS_PORT);
  const started = Date.now();
  const { probers, errors } = parseAppProbers(io.env.ISTIO_KUBE_APP_PROBERS);
  for (const e of errors) log('error', e);

  // The node proxy is this pod's Envoy in the loopback pod network: a sidecar's when the app
  // was moved to an inner address, a gateway's when the agent binds the pod IP itself.
  const servedByNodeProxy = role === 'sidecar' ? appAddress !== podIP : host === podIP;
  const envoy = proxyReadiness(servedByNodeProxy ? podIP : undefined);
  const ready = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.url?.split('?')[0] !== '/healthz/ready') return false;
    void envoy.check().then((ok) => {
      if (ok) res.writeHead(200, { 'Content-Length': 0 }).end();
      else res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end(NOT_READY_MESSAGE);
    });
    return true;
  };
  const readiness = createServer((req, res) => {
    if (!ready(req, res)) res.writeHead(404, { 'Content-Type': 'text/plain' }).end();
    req.resume();
  });
  const status = createServer((req, res) => {
    req.resume();
    const path = (req.url ?? '/').split('?')[0]!;
    if (ready(req, res)) return;
    if (path.startsWith('/app-health/')) {
      const prober = probers.get(path);
      if (!prober) {
        // Istio's wording, typo included: tools match on it.
        res.writeHead(400, { 'Content-Type': 'text/plain' }).end(`app prober config does not exists for ${path}`);
        return;
      }
      void runProber(prober, appAddress, req.headers, statusPort).then((answer) => res.writeHead(answer.status, { 'Content-Length': answer.body?.length ?? 0 }).end(answer.body));
      return;
    }
    if (path === '/stats/prometheus') {
      void agentMetrics({ started, role, env: io.env, podIP }).then((text) => res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text));
      return;
    }
    if (path === '/quitquitquit') {
      if (!isLoopback(req.socket.remoteAddress)) {
        res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Only requests from localhost are allowed\n');
      } else if (req.method !== 'POST') {
        res.writeHead(405, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Method Not Allowed\n');
      } else {
        res.writeHead(200, { 'Content-Length': 2 }).end('OK');
        log('info', 'handling /quitquitquit, notifying pilot-agent to exit');
        stop(0);
      }
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end();
  });

  const servers: Array<[Server, number]> = [[readiness, READINESS_PORT], [status, statusPort]];
  for (const [server, port] of servers) {
    server.on('error', (err) => {
      log('error', `failed to listen on ${host ?? '*'}:${port}: ${err.message}`);
      io.exit(1);
    });
    server.listen(port, host, () => log('info', `${port === READINESS_PORT ? 'readiness' : 'status'} server listening on ${host ?? '*'}:${port}`));
  }
  log('info', `Proxy role: ${role}, ${probers.size} app probe(s) handed to the agent`);

  let stopping = false;
  const close = () => {
    for (const [server] of servers) {
      server.close();
      server.closeAllConnections();
    }
  };
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    close();
    io.exit(code);
  };
  io.onSignal('SIGTERM', () => {
    log('info', 'Received signal terminated, exiting');
    stop(0);
  });
  io.onSignal('SIGINT', () => stop(0));
  return { close };
};

/** Istio's IsRequestFromLocalhost. In skiff's loopback pod network every pod address is in
 * 127.0.0.0/8, as a pod's own localhost is in Kubernetes. */
function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/** `--flag value` or `--flag=value`. */
function flagValue(args: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === flag) return args[i + 1];
    if (args[i]!.startsWith(`${flag}=`)) return args[i]!.slice(flag.length + 1);
  }
  return undefined;
}
