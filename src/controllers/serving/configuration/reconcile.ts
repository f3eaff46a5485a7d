/**
 * The Configuration reconciler (pkg/reconciler/configuration/configuration.go): make sure
 * the Revision for the current template exists, then report it as latestCreated and the
 * newest Ready one as latestReady. Ready is True only when the two are the same Revision;
 * a failed latest Revision makes it False `RevisionFailed`.
 */
import type { Condition, KubeObject } from '../../../api/object.ts';
import { CONDITION_SETS } from '../../../api/knative/conditions.ts';
import { ServingLabels } from '../../../api/knative/serving/keys.ts';
import type { Client } from '../../../client/types.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { type EventRecorder, involvedObjectOf } from '../../../runtime/events/recorder.ts';
import { isControlledBy } from '../../core/replicaset/resources/controller-ref.ts';
import { sameJson, writeStatus } from '../../shared/objects.ts';
import { KnativeConditions } from '../shared/conditions.ts';
import { makeRevision, revisionLabelValue, templateOf } from './revision.ts';

export const CONFIGURATION_CONDITIONS = CONDITION_SETS['Configuration.serving.knative.dev']!;

export interface ConfigurationDeps {
  client: Client;
  events: EventRecorder;
  configuration(key: string): KubeObject | undefined;
  revision(namespace: string, name: string): KubeObject | undefined;
  revisionsOf(namespace: string, configName: string): KubeObject[];
  now(): Date;
}

type Status = Record<string, unknown> & { conditions?: Condition[]; observedGeneration?: number; latestCreatedRevisionName?: string; latestReadyRevisionName?: string };

const generationOf = (rev: KubeObject): number => Number.parseInt(rev.metadata.labels?.[ServingLabels.configurationGeneration] ?? '', 10);
const readyOf = (o: KubeObject): Condition | undefined => ((o.status ?? {}) as Status).conditions?.find((c) => c.type === 'Ready');
const isReady = (rev: KubeObject): boolean => ((rev.status ?? {}) as Status).observedGeneration === rev.metadata.generation && readyOf(rev)?.status === 'True';

class NameTaken extends Error {
  constructor(name: string) {
    super(`revisions.serving.knative.dev "${name}" already exists`);
  }
}

export async function reconcileConfiguration(deps: ConfigurationDeps, key: string): Promise<ReconcileResult> {
  const config = deps.configuration(key);
  if (!config || config.metadata.deletionTimestamp) return;
  const status: Status = structuredClone((config.status ?? {}) as Status);
  const c = new KnativeConditions(CONFIGURATION_CONDITIONS, status.conditions, deps.now).initialize();
  let failure: unknown;
  try {
    await reconcileRevisions(deps, config, status, c);
  } catch (err) {
    failure = err;
  }
  status.conditions = c.list;
  if (failure === undefined) status.observedGeneration = config.metadata.generation;
  await writeStatus(deps.client, config, status);
  if (failure !== undefined) throw failure;
  return;
}

async function reconcileRevisions(deps: ConfigurationDeps, config: KubeObject, status: Status, c: KnativeConditions): Promise<void> {
  const involved = involvedObjectOf(config);
  let latest: KubeObject | undefined;
  let byoName = false;
  try {
    ({ revision: latest, byoName } = latestCreated(deps, config));
  } catch (err) {
    if (!(err instanceof NameTaken)) throw err;
    c.markFalse('Ready', 'RevisionFailed', `Revision creation failed with message: ${err.message}.`);
    return;
  }
  if (!latest) {
    try {
      latest = await deps.client.create(makeRevision(config, deps.now()));
    } catch (err) {
      if (isSkiffError(err, 'SKF_API_ALREADY_EXISTS')) throw err;
      const message = err instanceof Error ? err.message : String(err);
      deps.events.event(involved, 'Warning', 'CreationFailed', `Failed to create Revision: ${message}`);
      c.markFalse('Ready', 'RevisionFailed', `Revision creation failed with message: ${message}.`);
      throw err;
    }
    deps.events.event(involved, 'Normal', 'Created', `Created Revision "${latest.metadata.name}"`);
  }
  const name = latest.metadata.name!;
  status.latestCreatedRevisionName = name;
  if (status.latestReadyRevisionName !== name) c.markUnknown('Ready', '', '');

  const rc = readyOf(latest);
  if (rc?.status === 'True' && !status.latestReadyRevisionName) {
    deps.events.event(involved, 'Normal', 'ConfigurationReady', 'Configuration becomes ready');
  } else if (rc?.status === 'False') {
    const before = structuredClone(c.get('Ready'));
    c.markFalse('Ready', 'RevisionFailed', `Revision "${name}" failed with message: ${rc.message ?? ''}.`);
    if (!sameJson(before, c.get('Ready'))) {
      if (name === status.latestReadyRevisionName) deps.events.event(involved, 'Warning', 'LatestReadyFailed', `Latest ready revision "${name}" has failed`);
      else deps.events.event(involved, 'Warning', 'LatestCreatedFailed', `Latest created revision "${name}" has failed`);
    }
  }
  for (const rev of sortedCandidates(deps, config, latest, byoName, status)) {
    if (!isReady(rev)) continue;
    const previous = status.latestReadyRevisionName;
    status.latestReadyRevisionName = rev.metadata.name;
    if (status.latestReadyRevisionName === status.latestCreatedRevisionName) c.markTrue('Ready');
    if (previous !== rev.metadata.name) deps.events.event(involved, 'Normal', 'LatestReadyUpdate', `LatestReadyRevisionName updated to "${rev.metadata.name}"`);
    break;
  }
}

/** The Revision of the current template, if it exists (a BYO name is checked for conflicts). */
function latestCreated(deps: ConfigurationDeps, config: KubeObject): { revision?: KubeObject; byoName: boolean } {
  const name = templateOf(config).metadata?.name;
  if (name) {
    const rev = deps.revision(config.metadata.namespace!, name);
    if (rev) {
      if (!isControlledBy(rev, config)) throw new NameTaken(name);
      const sameGeneration = rev.metadata.labels?.[ServingLabels.configurationGeneration] === revisionLabelValue(ServingLabels.configurationGeneration, config);
      if (!sameGeneration && !sameJson(templateOf(config).spec ?? {}, rev.spec ?? {})) throw new NameTaken(name);
      return { revision: rev, byoName: true };
    }
  }
  const generation = revisionLabelValue(ServingLabels.configurationGeneration, config);
  const revision = deps.revisionsOf(config.metadata.namespace!, config.metadata.name!).find((r) => r.metadata.labels?.[ServingLabels.configurationGeneration] === generation);
  return { revision, byoName: false };
}

/** Revisions from the current latest ready one's generation up to now, newest first (a BYO-named latest first). */
function sortedCandidates(deps: ConfigurationDeps, config: KubeObject, latest: KubeObject, byoName: boolean, status: Status): KubeObject[] {
  let revisions = deps.revisionsOf(config.metadata.namespace!, config.metadata.name!);
  const lrr = status.latestReadyRevisionName ? deps.revision(config.metadata.namespace!, status.latestReadyRevisionName) : undefined;
  if (lrr) {
    let start = generationOf(lrr);
    if (Number.isNaN(start)) start = config.metadata.generation ?? 0;
    const allowed = new Set<number>();
    for (let g = start; g <= (config.metadata.generation ?? 0); g++) allowed.add(g);
    if (byoName && !Number.isNaN(generationOf(latest))) allowed.add(generationOf(latest));
    revisions = revisions.filter((r) => allowed.has(generationOf(r)));
  }
  const templateName = templateOf(config).metadata?.name;
  return [...revisions].sort((a, b) => {
    if (templateName === a.metadata.name) return -1;
    if (templateName === b.metadata.name) return 1;
    return generationOf(b) - generationOf(a);
  });
}
