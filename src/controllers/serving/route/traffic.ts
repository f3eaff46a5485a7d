/**
 * Traffic resolution (knative/serving pkg/reconciler/route/traffic/traffic.go): a Route's
 * spec.traffic flattened to concrete Revisions. A configuration target becomes that
 * Configuration's latest ready Revision; a revision target stays pinned. Targets are grouped
 * per tag: the default group ('') gets every target, each tag its own (one target, forced to
 * 100% after consolidation, so a 0% tagged revision is still reachable at its tag host).
 *
 * A target that is missing or not ready is a TargetError. All targets are walked first so
 * every referenced object is known; then the first failure (or, when none fails, the first
 * not-ready target) is the one reported.
 */
import type { Condition, KubeObject } from '../../../api/object.ts';
import { ServingLabels } from '../../../api/knative/serving/keys.ts';

export const DEFAULT_TARGET = '';

/** A spec or status traffic entry (serving v1 TrafficTarget). */
export interface TrafficTarget {
  tag?: string;
  revisionName?: string;
  configurationName?: string;
  latestRevision?: boolean;
  percent?: number;
  url?: string;
}

export type Protocol = 'http1' | 'h2c';

export interface RevisionTarget {
  tag: string;
  revisionName: string;
  configurationName?: string;
  latestRevision?: boolean;
  percent: number;
  protocol: Protocol;
}

export interface TrafficConfig {
  /** Tag ('' for the default) → its consolidated targets. */
  targets: Map<string, RevisionTarget[]>;
  /** The spec's targets at revision level, same revision+tag merged (status.traffic's source). */
  revisionTargets: RevisionTarget[];
  configurations: Map<string, KubeObject>;
  revisions: Map<string, KubeObject>;
  missingTargets: Array<{ kind: 'Configuration' | 'Revision'; name: string }>;
}

export type TargetError =
  | { kind: 'missing'; targetKind: 'Configuration' | 'Revision'; name: string; isFailure: true }
  | { kind: 'unreadyConfiguration'; name: string; isFailure: boolean }
  | { kind: 'unreadyRevision'; name: string; isFailure: boolean }
  | { kind: 'revisionNotOwned'; name: string; expectedService: string; actualService: string; isFailure: true };

export interface TrafficLookup {
  configuration(name: string): KubeObject | undefined;
  revision(name: string): KubeObject | undefined;
}

const readyOf = (o: KubeObject): Condition | undefined => ((o.status ?? {}) as { conditions?: Condition[] }).conditions?.find((c) => c.type === 'Ready');
const observed = (o: KubeObject): boolean => ((o.status ?? {}) as { observedGeneration?: number }).observedGeneration === o.metadata.generation;

/** Revision.IsReady: its latest generation observed and Ready True. */
export const isRevisionReady = (rev: KubeObject): boolean => observed(rev) && readyOf(rev)?.status === 'True';

/** Revision.GetProtocol: h2c when the serving container's first port is named `h2c`. */
export function revisionProtocol(rev: KubeObject): Protocol {
  const containers = ((rev.spec ?? {}) as { containers?: Array<{ ports?: Array<{ name?: string }> }> }).containers ?? [];
  const serving = containers.find((c) => (c.ports?.length ?? 0) > 0) ?? containers[0];
  return serving?.ports?.[0]?.name === 'h2c' ? 'h2c' : 'http1';
}

class Builder {
  readonly config: TrafficConfig = { targets: new Map(), revisionTargets: [], configurations: new Map(), revisions: new Map(), missingTargets: [] };
  deferred: TargetError | undefined;
  readonly #route: KubeObject;
  readonly #lookup: TrafficLookup;

  constructor(route: KubeObject, lookup: TrafficLookup) {
    this.#route = route;
    this.#lookup = lookup;
  }

  add(tt: TrafficTarget): void {
    const err = tt.revisionName ? this.#addRevision(tt) : tt.configurationName ? this.#addConfiguration(tt) : undefined;
    if (!err) return;
    if (err.kind === 'missing') this.config.missingTargets.push({ kind: err.targetKind, name: err.name });
    // A failure always replaces an earlier not-ready error; otherwise the first one stays.
    if (!this.deferred || err.isFailure) this.deferred = err;
  }

  #configuration(name: string): KubeObject | TargetError {
    const found = this.config.configurations.get(name) ?? this.#lookup.configuration(name);
    if (!found) return { kind: 'missing', targetKind: 'Configuration', name, isFailure: true };
    this.config.configurations.set(name, found);
    return found;
  }

  #revision(name: string): KubeObject | TargetError {
    const found = this.config.revisions.get(name) ?? this.#lookup.revision(name);
    if (!found) return { kind: 'missing', targetKind: 'Revision', name, isFailure: true };
    this.config.revisions.set(name, found);
    return found;
  }

  #addConfiguration(tt: TrafficTarget): TargetError | undefined {
    const cfg = this.#configuration(tt.configurationName!);
    if (isTargetError(cfg)) return cfg;
    const latestReady = ((cfg.status ?? {}) as { latestReadyRevisionName?: string }).latestReadyRevisionName ?? '';
    if (latestReady === '') return { kind: 'unreadyConfiguration', name: cfg.metadata.name!, isFailure: readyOf(cfg)?.status === 'False' };
    const rev = this.#revision(latestReady);
    if (isTargetError(rev)) return rev;
    if (!isRevisionReady(rev)) return unready(rev);
    this.#addFlattened(tt, rev, { configurationName: tt.configurationName });
    return undefined;
  }

  #addRevision(tt: TrafficTarget): TargetError | undefined {
    const rev = this.#revision(tt.revisionName!);
    if (isTargetError(rev)) return rev;
    // A Service's Route may only send traffic to that Service's Revisions.
    const routeService = this.#route.metadata.labels?.[ServingLabels.service] ?? '';
    if (routeService !== '') {
      const revService = rev.metadata.labels?.[ServingLabels.service] ?? '';
      if (revService !== routeService) return { kind: 'revisionNotOwned', name: tt.revisionName!, expectedService: routeService, actualService: revService, isFailure: true };
    }
    if (!isRevisionReady(rev)) return unready(rev);
    const configName = rev.metadata.labels?.[ServingLabels.configuration];
    if (configName !== undefined) {
      const cfg = this.#configuration(configName);
      if (isTargetError(cfg)) return cfg;
    }
    this.#addFlattened(tt, rev, configName !== undefined ? { configurationName: configName } : {});
    return undefined;
  }

  #addFlattened(tt: TrafficTarget, rev: KubeObject, extra: { configurationName?: string }): void {
    const target: RevisionTarget = {
      tag: tt.tag ?? '',
      revisionName: rev.metadata.name!,
      ...extra,
      ...(tt.latestRevision !== undefined ? { latestRevision: tt.latestRevision } : {}),
      percent: tt.percent ?? 0,
      protocol: revisionProtocol(rev),
    };
    mergeInto(this.config.revisionTargets, target);
    push(this.config.targets, DEFAULT_TARGET, target);
    if (target.tag !== '') push(this.config.targets, target.tag, target);
  }
}

const isTargetError = (x: KubeObject | TargetError): x is TargetError => !('metadata' in x);

const unready = (rev: KubeObject): TargetError => ({ kind: 'unreadyRevision', name: rev.metadata.name!, isFailure: readyOf(rev)?.status === 'False' });

function push(m: Map<string, RevisionTarget[]>, key: string, t: RevisionTarget): void {
  m.set(key, [...(m.get(key) ?? []), { ...t }]);
}

/** mergeIfNecessary: the same revision under the same tag (and latestRevision) adds up. */
function mergeInto(list: RevisionTarget[], t: RevisionTarget): void {
  const same = list.find((o) => o.tag === t.tag && o.revisionName === t.revisionName && o.latestRevision === t.latestRevision);
  if (same) same.percent += t.percent;
  else list.push({ ...t });
}

/** consolidate: one entry per revision, percentages summed; a lone target takes 100%. */
export function consolidate(targets: readonly RevisionTarget[]): RevisionTarget[] {
  const byName = new Map<string, RevisionTarget>();
  for (const t of targets) {
    const cur = byName.get(t.revisionName);
    if (cur) cur.percent += t.percent;
    else byName.set(t.revisionName, { ...t });
  }
  const out = [...byName.values()];
  if (out.length === 1) out[0]!.percent = 100;
  return out;
}

export interface TrafficResult {
  config: TrafficConfig;
  error?: TargetError;
}

/** BuildTrafficConfiguration. With an error, `targets` and `revisionTargets` are empty (nothing may be routed yet). */
export function buildTrafficConfiguration(route: KubeObject, lookup: TrafficLookup): TrafficResult {
  const b = new Builder(route, lookup);
  for (const tt of specTraffic(route)) b.add(tt);
  const config = b.config;
  if (b.deferred) {
    config.targets = new Map();
    config.revisionTargets = [];
    return { config, error: b.deferred };
  }
  config.targets = new Map([...config.targets].map(([k, v]) => [k, consolidate(v)]));
  return { config };
}

export function specTraffic(route: KubeObject): TrafficTarget[] {
  return ((route.spec ?? {}) as { traffic?: TrafficTarget[] }).traffic ?? [];
}

/** The tags the spec names, plus the default target (visibility.trafficNames). */
export function trafficNames(route: KubeObject): string[] {
  return [...new Set([DEFAULT_TARGET, ...specTraffic(route).map((t) => t.tag ?? '')])].sort();
}
