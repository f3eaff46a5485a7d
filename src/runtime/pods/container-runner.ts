/**
 * Starts one container instance, step by step as the kubelet's startContainer: pull the
 * image (Pulling/Pulled, or ErrImagePull then ImagePullBackOff), build its configuration
 * (environment, argv, working directory, mounts — CreateContainerConfigError when a
 * reference is missing), create it (its log file; `Created`), start it (`Started`, or a
 * StartError), and run its postStart hook.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { KubeObject } from '../../api/object.ts';
import { containerArgv, programFor } from '../images/catalog.ts';
import { containerIdPath, containerLogDir, containerLogPath } from '../logs/layout.ts';
import { ContainerLogWriter } from '../logs/log-writer.ts';
import type { PodSandboxNetwork } from '../network/pod-network.ts';
import { execInContainer, type ExecContext } from '../process/exec.ts';
import { StartError } from '../process/launcher.ts';
import { formatDuration } from './backoff.ts';
import { addressEnvironment } from './address-env.ts';
import { apiTime, type TerminatedState } from './container-record.ts';
import type { ContainerInstance, ContainerSpec } from './container-spec.ts';
import { ContainerConfigError, containerEnvironment } from './env.ts';
import { expand } from './expansion.ts';
import { runLifecycleHandler } from './lifecycle-hooks.ts';
import { mountMappings, normalizeContainerPath, substitutePaths, type PathMapping } from './mount-paths.ts';
import { formatPod, type RuntimeContext } from './runtime-context.ts';

export interface PodRuntimeView {
  pod: KubeObject;
  sandbox: PodSandboxNetwork;
  podDir: string;
  volumeDirs: ReadonlyMap<string, string>;
}

export type StartOutcome =
  | { kind: 'started'; instance: ContainerInstance; image: string; imageID: string; postStartFailed: boolean }
  | { kind: 'waiting'; reason: string; message: string; retryAfterMs: number; image?: string; imageID?: string }
  | { kind: 'failed'; terminated: TerminatedState; image: string; imageID: string };

const CONFIG_RETRY_MS = 10_000;
/** `process` gives a pod's built-in programs processes of their own instead of a shared image host. */
export const ISOLATION_ANNOTATION = 'runtime.skiff.dev/builtin-isolation';
const DEFAULT_TERMINATION_MESSAGE_PATH = '/dev/termination-log';

export function containerRef(pod: KubeObject, spec: ContainerSpec, init: boolean): { apiVersion: string; kind: string; name: string; namespace: string; uid: string; fieldPath: string } {
  const list = init ? 'initContainers' : 'containers';
  return { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name!, namespace: pod.metadata.namespace!, uid: pod.metadata.uid!, fieldPath: `spec.${list}{${spec.name}}` };
}

export async function startContainer(ctx: RuntimeContext, view: PodRuntimeView, spec: ContainerSpec, init: boolean, restartCount: number): Promise<StartOutcome> {
  const { pod } = view;
  const ref = containerRef(pod, spec, init);
  const image = spec.image ?? '';

  // Step 1: the image.
  const pullKey = `${pod.metadata.uid}/${image}`;
  const policy = spec.imagePullPolicy ?? 'IfNotPresent';
  const began = performance.now();
  const pulled = ctx.images.pull(image);
  if (!pulled.ok) {
    if (policy === 'Never') {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      ctx.events.event(ref, 'Warning', 'ErrImageNeverPull', message);
      ctx.events.event(ref, 'Warning', 'Failed', 'Error: ErrImageNeverPull');
      return { kind: 'waiting', reason: 'ErrImageNeverPull', message, retryAfterMs: CONFIG_RETRY_MS };
    }
    if (ctx.imageBackoff.isInBackOffSinceUpdate(pullKey, Date.now())) {
      const message = `Back-off pulling image "${image}"`;
      ctx.events.event(ref, 'Normal', 'BackOff', message);
      ctx.events.event(ref, 'Warning', 'Failed', 'Error: ImagePullBackOff');
      return { kind: 'waiting', reason: 'ImagePullBackOff', message, retryAfterMs: ctx.imageBackoff.remainingSinceUpdate(pullKey) };
    }
    ctx.events.event(ref, 'Normal', 'Pulling', `Pulling image "${image}"`);
    ctx.events.event(ref, 'Warning', 'Failed', `Failed to pull image "${image}": ${pulled.message}`);
    ctx.imageBackoff.next(pullKey, Date.now());
    ctx.events.event(ref, 'Warning', 'Failed', 'Error: ErrImagePull');
    return { kind: 'waiting', reason: 'ErrImagePull', message: pulled.message, retryAfterMs: ctx.imageBackoff.remainingSinceUpdate(pullKey) };
  }
  ctx.imageBackoff.forget(pullKey);
  if (policy === 'Always') {
    const took = goMillis(performance.now() - began);
    ctx.events.event(ref, 'Normal', 'Pulling', `Pulling image "${image}"`);
    ctx.events.event(ref, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${pulled.sizeBytes} bytes.`);
  } else {
    ctx.events.event(ref, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
  }
  const ids = { image: pulled.image, imageID: pulled.imageID };

  // Step 2: the container's configuration.
  let env: Array<[string, string]>;
  try {
    env = containerEnvironment(pod, spec, ctx.caches, podFacts(ctx, view));
  } catch (err) {
    if (!(err instanceof ContainerConfigError)) throw err;
    ctx.events.event(ref, 'Warning', 'Failed', `Error: ${err.message}`);
    return { kind: 'waiting', reason: 'CreateContainerConfigError', message: err.message, retryAfterMs: CONFIG_RETRY_MS, ...ids };
  }
  const config = pulled.resolved.config;
  const fullEnv = baseEnvironment(ctx, view, spec, config.env ?? {});
  for (const [k, v] of env) fullEnv.set(k, v);
  const lookup = (name: string) => fullEnv.get(name);

  const containerDir = join(view.podDir, 'containers', spec.name);
  const terminationLogPath = join(containerDir, 'termination-log');
  const podRef = { namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid! };
  const id = `skiff://${randomBytes(32).toString('hex')}`;
  // The log files and the container's own directory do not depend on each other: prepared
  // side by side, since each is several file-system round trips on a busy event loop and a
  // cold start waits for every container of the pod in turn.
  const logFiles = prepareLogFiles(ctx.logsRoot, podRef, spec.name, restartCount, id);
  logFiles.catch(() => undefined); // awaited below; a failure here must not go unhandled meanwhile
  await mkdir(containerDir, { recursive: true });
  const mappings: PathMapping[] = [
    ...mountMappings(spec.volumeMounts ?? [], view.volumeDirs, (e) => expand(e, lookup)),
    { containerPath: normalizeContainerPath(spec.terminationMessagePath ?? DEFAULT_TERMINATION_MESSAGE_PATH), hostPath: terminationLogPath },
  ];
  const mapPath = (text: string) => substitutePaths(text, mappings);
  for (const [k, v] of fullEnv) fullEnv.set(k, mapPath(v));
  const argv = containerArgv(config, spec.command, spec.args).map((a) => mapPath(expand(a, lookup)));
  const [, cwd] = await Promise.all([writeFile(terminationLogPath, ''), workingDirectory(containerDir, spec.workingDir ?? config.workingDir, mapPath)]);
  const envRecord = Object.fromEntries(fullEnv);
  const execContext: ExecContext = {
    env: envRecord, cwd, runtimeId: ctx.runtimeId, mapPath,
    ...(view.sandbox.netns ? { netns: view.sandbox.netns } : {}),
    ...(view.sandbox.resolvConf ? { resolvConf: view.sandbox.resolvConf } : {}),
    ...(view.sandbox.podCgroup ? { podCgroup: view.sandbox.podCgroup } : {}),
  };

  // Step 3: create (log file) and start.
  const logPath = await logFiles;
  ctx.events.event(ref, 'Normal', 'Created', `Created container: ${spec.name}`);
  const startedAt = new Date();
  let proc;
  try {
    proc = await ctx.launcher.launch({
      program: programFor(argv),
      env: envRecord,
      cwd,
      stdin: spec.stdin === true,
      ...(view.sandbox.netns ? { netns: view.sandbox.netns } : {}),
      ...(view.sandbox.resolvConf ? { resolvConf: view.sandbox.resolvConf } : {}),
      ...(view.sandbox.podCgroup ? { podCgroup: view.sandbox.podCgroup } : {}),
      title: `${spec.name} (${pod.metadata.namespace}/${pod.metadata.name})`,
      isolation: pod.metadata.annotations?.[ISOLATION_ANNOTATION] === 'process' ? 'process' : 'shared',
    });
  } catch (err) {
    const message = err instanceof StartError ? err.message : `failed to start container: ${(err as Error).message}`;
    ctx.events.event(ref, 'Warning', 'Failed', `Error: ${message}`);
    return { kind: 'failed', terminated: { exitCode: 128, reason: 'StartError', message, startedAt: '1970-01-01T00:00:00Z', finishedAt: apiTime(), containerID: id }, ...ids };
  }
  const logs = new ContainerLogWriter(logPath);
  logs.attach(proc.stdout, 'stdout');
  logs.attach(proc.stderr, 'stderr');
  ctx.events.event(ref, 'Normal', 'Started', `Started container ${spec.name}`);
  const instance: ContainerInstance = { id, proc, startedAt, restartCount, logs, logPath, exec: execContext, terminationLogPath };

  // Step 4: postStart.
  let postStartFailed = false;
  if (spec.lifecycle?.postStart) {
    const result = await runLifecycleHandler(spec.lifecycle.postStart, hookTarget(view, spec, execContext), 30_000);
    if (!result.ok) {
      ctx.log.info({ pod: formatPod(pod), container: spec.name, message: result.message }, 'postStart hook failed');
      ctx.events.event(ref, 'Warning', 'FailedPostStartHook', 'PostStartHook failed');
      postStartFailed = true;
    }
  }
  return { kind: 'started', instance, postStartFailed, ...ids };
}

export function hookTarget(view: PodRuntimeView, spec: ContainerSpec, exec: ExecContext) {
  return {
    podIP: view.sandbox.ip,
    ports: spec.ports ?? [],
    exec: (argv: string[], timeoutMs: number) => execInContainer(exec, argv, timeoutMs),
  };
}

export function podFacts(ctx: RuntimeContext, view: PodRuntimeView) {
  return { podIPs: [view.sandbox.ip], hostIPs: [ctx.network.hostIP], nodeName: ctx.nodeName, allocatable: ctx.allocatable };
}

/**
 * What every container gets before its own env: the host's PATH and HOME (containers run
 * host programs), HOSTNAME as the pod's hostname, the image's env, skiff's address
 * variables (address-env.ts), and PORT as Knative sets it (the first containerPort, else 8080).
 */
function baseEnvironment(ctx: RuntimeContext, view: PodRuntimeView, spec: ContainerSpec, imageEnv: Record<string, string>): Map<string, string> {
  const podSpec = (view.pod.spec ?? {}) as { hostname?: string };
  const env = new Map<string, string>([
    ['PATH', ctx.hostEnv.PATH],
    ['HOME', ctx.hostEnv.HOME],
    ['HOSTNAME', podSpec.hostname || view.pod.metadata.name || ''],
  ]);
  for (const [k, v] of Object.entries(imageEnv)) env.set(k, v);
  for (const [k, v] of addressEnvironment(view.sandbox, spec.name)) env.set(k, v);
  env.set('PORT', String(spec.ports?.[0]?.containerPort ?? 8080));
  return env;
}

/**
 * The container's working directory: a mapped (volume) path, an existing absolute host
 * path, or else a folder of the container's own under the pod directory (with the
 * requested path below it), as an image's filesystem would provide.
 */
async function workingDirectory(containerDir: string, workingDir: string | undefined, mapPath: (p: string) => string): Promise<string> {
  const root = join(containerDir, 'root');
  if (!workingDir) {
    await mkdir(root, { recursive: true });
    return root;
  }
  const mapped = mapPath(workingDir);
  if (mapped !== workingDir) {
    await mkdir(mapped, { recursive: true });
    return mapped;
  }
  const own = join(root, isAbsolute(workingDir) ? workingDir : `/${workingDir}`);
  if (isAbsolute(workingDir) && (await stat(workingDir).then((s) => s.isDirectory(), () => false))) return workingDir;
  await mkdir(own, { recursive: true });
  return own;
}

/** The container's log directory, pruned to the previous instance, with the new instance's id file; resolves with its log path. */
async function prepareLogFiles(logsRoot: string, podRef: { namespace: string; name: string; uid: string }, container: string, restartCount: number, id: string): Promise<string> {
  const logDir = containerLogDir(logsRoot, podRef, container);
  await mkdir(logDir, { recursive: true });
  // A first or second instance has nothing older than the previous one to prune.
  if (restartCount >= 2) await pruneOldLogs(logDir, restartCount);
  await writeFile(containerIdPath(logsRoot, podRef, container, restartCount), `${id}\n`);
  return containerLogPath(logsRoot, podRef, container, restartCount);
}

/** Keeps the logs of the previous instance only (the new one gets `<restartCount>.log`). */
async function pruneOldLogs(dir: string, restartCount: number): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = /^(\d+)\.(log|id)$/.exec(name);
    if (m && Number(m[1]) < restartCount - 1) await rm(join(dir, name), { force: true });
  }
}

/** Go's Duration.String() for sub-second durations (`1.234ms`, `850µs`). */
function goMillis(ms: number): string {
  if (ms >= 1000) return formatDuration(ms);
  if (ms >= 1) return `${Number(ms.toFixed(3))}ms`;
  return `${Math.max(1, Math.round(ms * 1000))}µs`;
}
