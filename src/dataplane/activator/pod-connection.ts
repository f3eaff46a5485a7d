/**
 * How skiff's in-process Knative components (the activator; the autoscaler's scraper uses the
 * same request options) reach a revision pod: plaintext, or mTLS as their own sidecar would
 * originate it. Upstream's activator and autoscaler run with an Envoy sidecar that upgrades
 * their plain requests to Istio mTLS; skiff's run in the main process, so they ask the mesh
 * (`MeshClientTls`) themselves, with their own pod's identity, and bind their pod's IP as the
 * local address so the destination sidecar sees who calls (telemetry, authorization by
 * source address).
 *
 * Without a `MeshCaller` everything is as before the mesh: plaintext, no bound address.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import type { MeshClientTls, MeshSource, OriginatedTls } from '../mesh-tls/types.ts';

/** Who calls, in the mesh. */
export interface MeshCaller {
  tls: MeshClientTls;
  /** The calling pod's namespace and service account (its SPIFFE identity). */
  source: MeshSource;
  /** The calling pod's IP: connections leave from it. */
  localAddress?: string;
}

/**
 * Who calls a pod: a meshed caller originates mTLS; a plain one may still bind its pod's
 * address, so the callee and NetworkPolicy see the calling pod rather than the node.
 */
export type PodCaller = MeshCaller | { localAddress?: string };

/** A pod's mesh identity: its namespace and service account (Kubernetes' default `default`). */
export function meshSourceOf(pod: Pod): MeshSource {
  const sa = pod.spec?.serviceAccountName;
  return { namespace: pod.metadata.namespace ?? '', serviceAccount: typeof sa === 'string' && sa !== '' ? sa : 'default' };
}

/** One way to reach one pod: address and port, the local address to bind, the TLS to originate. */
export interface PodConnection {
  host: string;
  port: number;
  localAddress?: string;
  tls?: OriginatedTls;
}

/** `ip:port` → its parts (pure). */
export function splitDest(dest: string): { host: string; port: number } {
  const colon = dest.lastIndexOf(':');
  return { host: dest.slice(0, colon), port: Number(dest.slice(colon + 1)) };
}

/** How to reach `dest` (`ip:port`) as `caller`; rejects when the mesh cannot say (the request fails, never silently plain). */
export async function podConnection(dest: string, caller?: PodCaller): Promise<PodConnection> {
  const { host, port } = splitDest(dest);
  if (!caller || !('tls' in caller)) return { host, port, ...(caller?.localAddress ? { localAddress: caller.localAddress } : {}) };
  const originated = await caller.tls.originate(caller.source, host, port);
  return {
    host, port,
    ...(caller.localAddress ? { localAddress: caller.localAddress } : {}),
    ...(originated ? { tls: originated } : {}),
  };
}

/**
 * node:http / node:https request options for `conn` (pure). The TLS options come first so
 * the address always wins; the agent pools by everything here (host, port, local address,
 * certificate, SNI), so a rotated certificate opens fresh connections.
 */
export function requestOptions(conn: PodConnection): https.RequestOptions {
  return {
    ...conn.tls?.options,
    host: conn.host,
    port: conn.port,
    ...(conn.localAddress ? { localAddress: conn.localAddress } : {}),
  };
}

/** `http.request` or `https.request`, as `conn` needs. */
export function requestFunction(conn: PodConnection): typeof http.request {
  return conn.tls ? https.request : http.request;
}

/** A raw socket to the pod (TLS when originated) and the event that says it is ready for bytes. */
export function connectSocket(conn: PodConnection): { socket: net.Socket; readyEvent: 'connect' | 'secureConnect' } {
  const local = conn.localAddress ? { localAddress: conn.localAddress } : {};
  if (conn.tls) return { socket: tls.connect({ ...conn.tls.options, host: conn.host, port: conn.port, ...local }), readyEvent: 'secureConnect' };
  return { socket: net.connect({ host: conn.host, port: conn.port, ...local }), readyEvent: 'connect' };
}

/**
 * Keep-alive pools to pods: one plain agent, and one TLS agent per `OriginatedTls.key`
 * (connections with equal keys are interchangeable). `timeout` only closes idle pooled
 * sockets (Node's agent destroys free sockets on timeout): shorter than a Node server's 5 s
 * keep-alive, so we rarely reuse a connection the pod is closing.
 */
export class PodAgents {
  static readonly IDLE_TIMEOUT_MS = 4_000;
  readonly plain = new http.Agent({ keepAlive: true, maxSockets: Infinity, timeout: PodAgents.IDLE_TIMEOUT_MS });
  readonly #tls = new Map<string, https.Agent>();

  agentFor(conn: PodConnection): http.Agent {
    if (!conn.tls) return this.plain;
    let agent = this.#tls.get(conn.tls.key);
    if (!agent) {
      agent = new https.Agent({ keepAlive: true, maxSockets: Infinity, timeout: PodAgents.IDLE_TIMEOUT_MS });
      this.#tls.set(conn.tls.key, agent);
    }
    return agent;
  }

  /** The TLS pools open now (tests). */
  get tlsPools(): number {
    return this.#tls.size;
  }

  destroy(): void {
    this.plain.destroy();
    for (const agent of this.#tls.values()) agent.destroy();
    this.#tls.clear();
  }
}
