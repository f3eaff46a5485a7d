/**
 * brancz/kube-rbac-proxy (OpenShift's ose-kube-rbac-proxy): an HTTPS front for one upstream
 * that lets through only callers the API server authenticates (TokenReview) and authorizes
 * (SubjectAccessReview on the request's path and verb). Flags and answers are upstream's
 * (flags.ts, handler.ts). skiff's addresses: a listen host of `0.0.0.0`, `::` or none is
 * the pod's own address ($SKIFF_LISTEN_ADDRESS), as is `127.0.0.1`/`localhost` for the
 * pod's localhost ($SKIFF_APP_ADDRESS); an upstream on the pod's localhost is reached at
 * $SKIFF_APP_ADDRESS, where the pod's other containers listen.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { selfSignedCertificate } from '../knative-component/self-signed.ts';
import type { Program, ProgramIO } from '../program.ts';
import { DelegatingAuthenticator, SarAuthorizer } from './auth.ts';
import { parseFlags, validateOptions, type ProxyOptions } from './flags.ts';
import { forwarder, type UpstreamTls } from './forward.ts';
import { rbacProxyHandler } from './handler.ts';
import { inClusterConfig, kubeClient } from './kube-client.ts';
import { klog, type Klog } from './klog.ts';
import { compilePathPattern, isValidPathPattern } from './path-match.ts';
import { loadServingPair, servingTlsOptions, tlsMinVersion, watchServingPair, type ServingPair } from './serving-tls.ts';
import { parseUpstream } from './upstream-target.ts';

/** Go's net.SplitHostPort for a listen address, and skiff's reading of its host. */
export function resolveListenAddress(address: string, env: Readonly<Record<string, string | undefined>>): { host: string | undefined; port: number } | { error: string } {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(address);
  if (!m) return { error: `address ${address}: missing port in address` };
  const host = m[1] ?? m[2] ?? '';
  const port = Number(m[3]);
  if (host === '' || host === '0.0.0.0' || host === '::') return { host: env.SKIFF_LISTEN_ADDRESS || undefined, port };
  if (host === '127.0.0.1' || host === 'localhost' || host === '::1') return { host: env.SKIFF_APP_ADDRESS || host, port };
  return { host, port };
}

/** Go's words for the bind failures a pod meets. */
const BIND_ERRORS: Record<string, string> = { EADDRINUSE: 'bind: address already in use', EADDRNOTAVAIL: 'bind: cannot assign requested address', EACCES: 'bind: permission denied' };

const USAGE = `The kube-rbac-proxy is a small HTTP proxy for a single upstream
that can perform RBAC authorization against the Kubernetes API using SubjectAccessReview.

Usage:
  kube-rbac-proxy [flags]

Flags: --secure-listen-address, --upstream, --upstream-ca-file, --tls-cert-file, --tls-private-key-file,
  --tls-min-version, --tls-reload-interval, --client-ca-file, --allow-paths, --ignore-paths,
  --auth-header-fields-enabled, --auth-header-user-field-name, --auth-header-groups-field-name,
  --auth-header-groups-field-separator, --auth-token-audiences, --insecure-listen-address, --v
`;

export const kubeRbacProxy: Program = (io) => {
  const closers: Array<() => void> = [];
  const running = { close: () => closers.splice(0).forEach((c) => c()) };
  let failed = false;
  const fail = (message: string) => {
    if (failed) return running;
    failed = true;
    io.stderr.write(`Error: ${message}\n`);
    running.close();
    io.exit(1);
    return running;
  };
  const parsed = parseFlags(io.args);
  if (!parsed.ok) return fail(parsed.error);
  const o = parsed.options;
  if (o.help) {
    io.stdout.write(USAGE);
    io.exit(0);
    return running;
  }
  if (o.version) {
    io.stdout.write('Kubernetes v0.0.0-master+$Format:%H$\n');
    io.exit(0);
    return running;
  }
  const log = klog((t) => io.stderr.write(t), o.verbosity);
  try {
    return start(io, o, log, closers, running, fail);
  } catch (err) {
    return fail((err as Error).message);
  }
};

function start(io: ProgramIO, o: ProxyOptions, log: Klog, closers: Array<() => void>, running: { close(): void }, fail: (m: string) => { close(): void }): { close(): void } {
  for (const name of o.removedFlagsGiven) log.warning(`\n==== Removed Flag Warning ======================\n\n${name} is removed in the k8s upstream and has no effect any more.\n\n===============================================\n\t\t`);
  const problems = validateOptions(o, isValidPathPattern);
  if (problems.length === 1) return fail(problems[0]!);
  if (problems.length > 1) return fail(`[${problems.join(', ')}]`);
  if (o.kubeconfig) return fail('failed to load kubeconfig: --kubeconfig is not supported by skiff\'s kube-rbac-proxy (it uses the pod\'s service account)');
  const target = parseUpstream(o.upstream, io.env.SKIFF_APP_ADDRESS);
  if ('error' in target) return fail(target.error);
  const upstreamTls: UpstreamTls = {};
  if (o.upstreamCAFile) upstreamTls.ca = readFileSync(o.upstreamCAFile, 'utf8');
  if (o.upstreamClientCertFile) {
    upstreamTls.cert = readFileSync(o.upstreamClientCertFile, 'utf8');
    upstreamTls.key = readFileSync(o.upstreamClientKeyFile, 'utf8');
  }
  const cluster = inClusterConfig(io.env);
  if ('error' in cluster) return fail(`failed to load kubeconfig: cannot find Service Account in pod to build in-cluster rest config: ${cluster.error}`);
  const client = kubeClient(cluster);
  log.info(`Valid token audiences: ${o.authTokenAudiences.join(', ')}`);
  const upstream = forwarder(target, upstreamTls, (m) => log.error(m));
  closers.push(() => upstream.close());
  const clientCA = o.clientCAFile ? readFileSync(o.clientCAFile, 'utf8') : undefined;
  const handler = rbacProxyHandler({
    allowPaths: o.allowPaths.map((p) => compilePathPattern(p)!),
    ignorePaths: o.ignorePaths.map((p) => compilePathPattern(p)!),
    clientCAConfigured: clientCA !== undefined,
    ...(o.authHeaderFieldsEnabled ? { authHeaders: { userField: o.authHeaderUserFieldName, groupsField: o.authHeaderGroupsFieldName, separator: o.authHeaderGroupsFieldSeparator } } : {}),
    authenticator: new DelegatingAuthenticator(client, o.authTokenAudiences),
    authorizer: new SarAuthorizer(client),
    forwarder: upstream,
    log,
  });

  if (!o.secureListenAddress && !o.insecureListenAddress) return fail('no listen address provided');
  const servers: Server[] = [];
  const listen = (server: Server, address: string, secure: boolean) => {
    const at = resolveListenAddress(address, io.env);
    if ('error' in at) throw new Error(`failed to run groups: failed to listen on ${secure ? 'secure' : 'insecure'} address: ${at.error}`);
    server.keepAliveTimeout = 90_000;
    server.on('error', (err: NodeJS.ErrnoException) => fail(`failed to run groups: failed to listen on ${secure ? 'secure' : 'insecure'} address: listen tcp ${address}: ${BIND_ERRORS[err.code ?? ''] ?? err.message}`));
    log.info(`Starting TCP socket on ${address}`);
    server.listen(at.port, at.host, () => log.info(`Listening ${secure ? 'securely' : 'insecurely'} on ${address}`));
    servers.push(server);
    closers.push(() => {
      server.close();
      server.closeAllConnections();
    });
  };
  if (o.secureListenAddress) {
    const minVersion = tlsMinVersion(o.tlsMinVersion);
    if (typeof minVersion !== 'string') return fail(minVersion.error);
    let pair: ServingPair;
    if (!o.tlsCertFile && !o.tlsPrivateKeyFile) {
      log.info('Generating self signed cert as no cert is provided');
      const self = selfSignedCertificate(io.env.HOSTNAME || hostname());
      pair = { cert: self.certPem, key: self.keyPem };
    } else {
      log.info('Reading certificate files');
      try {
        pair = loadServingPair(o.tlsCertFile, o.tlsPrivateKeyFile);
      } catch (err) {
        return fail(`failed to initialize certificate reloader: error loading certificates: ${(err as Error).message}`);
      }
    }
    const server = createHttpsServer(servingTlsOptions(pair, minVersion, clientCA), handler);
    if (o.tlsCertFile || o.tlsPrivateKeyFile) {
      closers.push(watchServingPair(o.tlsCertFile, o.tlsPrivateKeyFile, pair, o.tlsReloadIntervalMs, (next) => {
        log.v(4, `reloading key ${o.tlsPrivateKeyFile} certificate ${o.tlsCertFile}`);
        server.setSecureContext(servingTlsOptions(next, minVersion, clientCA));
      }, (err) => fail(`failed to run groups: reloading failed: ${err.message}`)));
    }
    listen(server, o.secureListenAddress, true);
  }
  if (o.insecureListenAddress) listen(createHttpServer(handler), o.insecureListenAddress, false);

  const shutdown = () => {
    log.info('received interrupt, shutting down');
    running.close();
    io.exit(0);
  };
  io.onSignal('SIGTERM', shutdown);
  io.onSignal('SIGINT', shutdown);
  return running;
}
