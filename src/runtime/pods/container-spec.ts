/**
 * The parts of a core/v1 Container the runtime acts on, and the per-container state a pod
 * worker keeps between syncs (its record for the status, its running instance, probes).
 */
import type { ContainerLogWriter } from '../logs/log-writer.ts';
import type { ExecContext } from '../process/exec.ts';
import type { ContainerProcess } from '../process/launcher.ts';
import type { ProbeSpec, ProbeWorker } from '../probes/probe-worker.ts';
import type { ContainerRecord } from './container-record.ts';
import type { ContainerSpec as EnvContainerSpec } from './env.ts';
import type { LifecycleHandler } from './lifecycle-hooks.ts';

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
  subPathExpr?: string;
  readOnly?: boolean;
}

export interface ContainerSpec extends EnvContainerSpec {
  image?: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  command?: string[];
  args?: string[];
  workingDir?: string;
  ports?: ContainerPort[];
  volumeMounts?: VolumeMount[];
  stdin?: boolean;
  tty?: boolean;
  lifecycle?: { postStart?: LifecycleHandler; preStop?: LifecycleHandler };
  livenessProbe?: ProbeSpec;
  readinessProbe?: ProbeSpec;
  startupProbe?: ProbeSpec;
  terminationMessagePath?: string;
  terminationMessagePolicy?: 'File' | 'FallbackToLogsOnError';
  /** `Always` on an init container makes it a sidecar. */
  restartPolicy?: string;
}

/** One running instance of a container. */
export interface ContainerInstance {
  id: string;
  proc: ContainerProcess;
  startedAt: Date;
  restartCount: number;
  logs: ContainerLogWriter;
  logPath: string;
  exec: ExecContext;
  terminationLogPath: string;
  /** Set once a stop was requested (deletion, liveness failure, shutdown). */
  stopping?: { deadline: number; wake(): void };
}

export interface ContainerSlot {
  spec: ContainerSpec;
  init: boolean;
  record?: ContainerRecord;
  instance?: ContainerInstance;
  probes: ProbeWorker[];
  /** When the last instance finished (ms), for crash-loop back-off. */
  lastFinishedAt?: number;
  /** A previous instance ran, so the next start is a restart. */
  ranBefore: boolean;
  /** Verdicts of the current instance's probes (true without a probe). */
  startupPassed: boolean;
  readinessPassed: boolean;
}
