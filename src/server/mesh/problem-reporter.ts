/**
 * A proxy's configuration problems (a missing credential, a port that cannot be bound): each
 * goes to the log and, once while it lasts, to a Warning Event on the pod, so `kubectl
 * describe pod` shows why a listener is missing without flooding events on every recompile.
 */
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import type { EventRecorder } from '../../runtime/events/recorder.ts';
import type { Logger } from '../../util/log.ts';

export class ProblemReporter {
  problems: string[] = [];
  /** Problems already reported as events: each once while it lasts. */
  readonly #reported = new Set<string>();

  constructor(private readonly events: EventRecorder, private readonly log: Logger, private readonly kind: 'gateway' | 'sidecar', private readonly reason: string) {}

  report(pod: Pod, problems: string[]): void {
    this.problems = problems;
    const current = new Set(problems);
    for (const p of problems) {
      if (this.#reported.has(p)) continue;
      this.#reported.add(p);
      this.log.warn({ pod: `${pod.metadata.namespace}/${pod.metadata.name}` }, `${this.kind}: ${p}`);
      this.events.event({ apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? '', uid: pod.metadata.uid ?? '' }, 'Warning', this.reason, p);
    }
    for (const p of this.#reported) if (!current.has(p)) this.#reported.delete(p);
  }
}
