/**
 * The queue-proxy's configuration from its environment, under upstream's names
 * (pkg/queue/sharedmain/main.go `config`), which the revision's Deployment sets. Pure: the
 * program reads `io.env` once and passes this around.
 */
import { DEFAULT_REVISION_TIMEOUT_SECONDS, DEFAULT_SERVING_PORT, DEFAULT_USER_PORT, DRAIN_QUIET_PERIOD_MS } from './constants.ts';

export interface QueueConfig {
  namespace: string;
  configuration: string;
  revision: string;
  /** `unknown` in metrics when empty (a revision without a Service). */
  service: string;
  pod: string;
  podIP: string;
  /** The address the queue-proxy binds (the pod's address; undefined = all). */
  listenAddress: string | undefined;
  /** Where the user container listens, as the pod's own localhost. */
  userHost: string;
  servingPort: number;
  userPort: number;
  /** 0 = unlimited (no breaker). */
  containerConcurrency: number;
  revisionTimeoutMs: number;
  /** 0 = none. */
  responseStartTimeoutMs: number;
  /** 0 = none. */
  idleTimeoutMs: number;
  /** SERVING_READINESS_PROBE as given (JSON), if any. */
  readinessProbe: string | undefined;
  /** Quiet period of the drain; skiff's SKIFF_QUEUE_DRAIN_SECONDS shortens it (tests). */
  drainQuietMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

export function readConfig(env: Env): QueueConfig {
  const listen = env.SKIFF_LISTEN_ADDRESS || undefined;
  const drainSeconds = Number(env.SKIFF_QUEUE_DRAIN_SECONDS);
  return {
    namespace: env.SERVING_NAMESPACE ?? '',
    configuration: env.SERVING_CONFIGURATION ?? '',
    revision: env.SERVING_REVISION ?? '',
    service: env.SERVING_SERVICE ?? '',
    pod: env.SERVING_POD ?? env.HOSTNAME ?? '',
    podIP: env.SERVING_POD_IP ?? env.SKIFF_POD_IP ?? '',
    listenAddress: listen,
    userHost: localHost(listen),
    servingPort: intOr(env.QUEUE_SERVING_PORT, DEFAULT_SERVING_PORT),
    userPort: intOr(env.USER_PORT, DEFAULT_USER_PORT),
    containerConcurrency: Math.max(0, intOr(env.CONTAINER_CONCURRENCY, 0)),
    revisionTimeoutMs: secondsOr(env.REVISION_TIMEOUT_SECONDS, DEFAULT_REVISION_TIMEOUT_SECONDS),
    responseStartTimeoutMs: secondsOr(env.REVISION_RESPONSE_START_TIMEOUT_SECONDS, 0),
    idleTimeoutMs: secondsOr(env.REVISION_IDLE_TIMEOUT_SECONDS, 0),
    readinessProbe: env.SERVING_READINESS_PROBE || undefined,
    drainQuietMs: Number.isFinite(drainSeconds) && env.SKIFF_QUEUE_DRAIN_SECONDS !== '' && drainSeconds >= 0 ? drainSeconds * 1000 : DRAIN_QUIET_PERIOD_MS,
  };
}

/**
 * The pod's own localhost. Upstream the queue-proxy reaches the user container at 127.0.0.1;
 * in skiff's loopback pod network each pod has its own 127.x address and binds it, so that
 * address is the pod's localhost. A wildcard bind (netns pods) leaves 127.0.0.1.
 */
export function localHost(listenAddress: string | undefined): string {
  if (!listenAddress || listenAddress === '0.0.0.0' || listenAddress === '::') return '127.0.0.1';
  return listenAddress;
}

function intOr(text: string | undefined, fallback: number): number {
  if (text === undefined || text.trim() === '') return fallback;
  const n = Number(text);
  return Number.isInteger(n) ? n : fallback;
}

function secondsOr(text: string | undefined, fallback: number): number {
  return Math.max(0, intOr(text, fallback)) * 1000;
}
