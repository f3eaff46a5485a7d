/**
 * How long a sidecar's inbound side lets a connection sit in each phase before it frees it.
 * The defaults are Envoy's/Istio's where they have one, so a hostile or broken client can
 * hold a connection only as long as it could against Istio; tests shrink them.
 *
 *   detectionMs        a client that sends nothing while a PERMISSIVE/AUTO port waits for its
 *                      first bytes: then it is served as TCP (server-first protocols such as
 *                      MySQL speak first). Istio's protocolDetectionTimeout is 0 (wait) since
 *                      1.8; skiff keeps a 5 s fallback so such protocols still work. A mesh
 *                      config that sets protocolDetectionTimeout overrides it per port
 *                      (InboundPortPlan.detectionTimeoutMs; 0 waits, as Istio).
 *   tlsHandshakeMs     a TLS client that never finishes its handshake. Envoy has no dedicated
 *                      default (transport_socket_connect_timeout is unset); its
 *                      listener_filters_timeout, 15 s, bounds the ClientHello. skiff bounds the
 *                      whole handshake by the same 15 s (Node's own default is 120 s).
 *   requestHeadersMs   a request head must be complete this long after its first byte
 *                      (slowloris): 408 and close. Envoy leaves it unset; skiff's engine
 *                      default is 10 s.
 *   idleMs             a kept-alive HTTP connection with no request in flight (Envoy's
 *                      idle_timeout, 1 h).
 *   streamIdleMs       a request body or response that stops moving (Envoy's
 *                      stream_idle_timeout, 5 min). Inbound routes have no request timeout in
 *                      Istio, so an app that never answers holds the request this long at most,
 *                      and less whenever the client gives up first (its close frees the app's
 *                      connection).
 *   tcpIdleMs          a relayed TCP connection with no bytes either way (Envoy's tcp_proxy
 *                      idle_timeout, which Istio leaves at 1 h).
 */
export interface SidecarTimeouts {
  detectionMs: number;
  tlsHandshakeMs: number;
  requestHeadersMs: number;
  idleMs: number;
  streamIdleMs: number;
  tcpIdleMs: number;
}

export const DEFAULT_SIDECAR_TIMEOUTS: Readonly<SidecarTimeouts> = Object.freeze({
  detectionMs: 5_000,
  tlsHandshakeMs: 15_000,
  requestHeadersMs: 10_000,
  idleMs: 3_600_000,
  streamIdleMs: 300_000,
  tcpIdleMs: 3_600_000,
});

/** The defaults with the given overrides (undefined fields keep their default). */
export function sidecarTimeouts(overrides: Partial<SidecarTimeouts> = {}): SidecarTimeouts {
  const out = { ...DEFAULT_SIDECAR_TIMEOUTS };
  for (const key of Object.keys(out) as (keyof SidecarTimeouts)[]) {
    const value = overrides[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
