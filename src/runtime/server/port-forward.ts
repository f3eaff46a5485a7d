/**
 * The kubelet's /portForward/{namespace}/{pod}: a SPDY/3.1 session (spdy-session.ts) in
 * which kubectl opens, per local connection, an `error` stream and a `data` stream with
 * the same `requestid` and the target `port`. Each pair becomes one TCP connection to the
 * pod's app address; a failure is written on the error stream, as the kubelet does.
 *
 * The kubelet enters the pod's network namespace and dials localhost, so in Istio a
 * port-forward bypasses the sidecar. skiff's equivalent is the pod's app address: a meshed
 * pod's inner address (runtime/network/inner-address.ts), else its pod IP.
 */
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { KubeletPod, KubeletPods } from './container-logs.ts';
import { SpdySession, type SpdyStream } from './spdy-session.ts';
import { KubeletError } from './status.ts';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';

/** The kubelet's pod worker also knows the pod's sandbox, set up while the pod runs. */
interface ForwardablePod extends KubeletPod {
  readonly sandbox?: { readonly appAddress: string } | undefined;
}

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
}

export function upgradePortForward(pods: KubeletPods, ref: { namespace: string; pod: string }, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const worker: ForwardablePod | undefined = pods.pod(ref.namespace, ref.pod);
  if (!worker) throw new KubeletError(404, `pod "${ref.pod}" in namespace "${ref.namespace}" not found on this node`);
  const address = worker.sandbox?.appAddress ?? (worker.pod.status as { podIP?: string } | undefined)?.podIP;
  if (!address) throw new KubeletError(400, `pod ${ref.pod} has no IP address yet`);
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'spdy/3.1') {
    throw new KubeletError(400, `upgrade ${req.headers.upgrade ?? '(none)'} is not supported for port forwarding: skiff's kubelet speaks SPDY/3.1 (${PORT_FORWARD_PROTOCOL})`);
  }
  const offered = String(req.headers['x-stream-protocol-version'] ?? '').split(',').map((p) => p.trim());
  if (!offered.includes(PORT_FORWARD_PROTOCOL)) throw new KubeletError(403, `unable to negotiate protocol: client supports ${offered.join(', ')}, server supports ${PORT_FORWARD_PROTOCOL}`);

  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}\r\n\r\n`);
  const pairs = new Map<string, Pair>();
  const targets = new Set<Duplex>();
  const session = new SpdySession(socket, head, (stream) => {
    const type = stream.headers.get('streamtype');
    // Without a requestid, spdystream clients pair by id: data id = error id + 2.
    const key = stream.headers.get('requestid') ?? String(type === 'data' ? stream.id - 2 : stream.id);
    const pair = pairs.get(key) ?? {};
    pairs.set(key, pair);
    if (type === 'error') pair.error = stream;
    else if (type === 'data') pair.data = stream;
    else return stream.reset(1);
    if (pair.error && pair.data) {
      pairs.delete(key);
      forward(pair.error, pair.data, address, Number(stream.headers.get('port')), ref, worker.uid, session, targets);
    }
  });
  session.onClose(() => {
    for (const target of targets) target.destroy();
  });
}

function forward(error: SpdyStream, data: SpdyStream, address: string, port: number, ref: { namespace: string; pod: string }, uid: string, session: SpdySession, targets: Set<Duplex>): void {
  const target = connect({ host: address, port });
  targets.add(target);
  let connected = false;
  target.once('connect', () => (connected = true));
  data.on({
    data: (chunk) => {
      if (!target.write(chunk)) session.socket.pause();
    },
    end: () => target.end(),
  });
  error.on({ data: () => undefined, end: () => undefined });
  target.on('drain', () => session.socket.resume());
  target.on('data', (chunk: Buffer) => {
    if (!data.write(chunk)) {
      target.pause();
      session.socket.once('drain', () => target.resume());
    }
  });
  target.on('end', () => {
    data.end();
    error.end();
  });
  target.on('error', (err) => {
    if (!connected) {
      error.write(Buffer.from(`error forwarding port ${port} to pod ${ref.pod}, uid ${uid}: failed to connect to ${address}:${port}: ${err.message}`));
    }
    error.reset();
    data.reset();
  });
  target.on('close', () => targets.delete(target));
}
