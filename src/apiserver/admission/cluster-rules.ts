/**
 * Admission rules of the real operators' webhooks that depend on other objects in the
 * cluster (one control plane per namespace, one KnativeServing per namespace, a
 * KnativeEventing before a KnativeKafka, a namespace in one member roll only). The rules
 * are pure functions in src/api; this plugin feeds them the objects they look at.
 */
import type { FieldError } from '../../api/field-error.ts';
import type { KindDefinition } from '../../api/kind.ts';
import type { KubeObject } from '../../api/object.ts';
import { validateControlPlaneAdmission } from '../../api/mesh/maistra/control-plane.ts';
import { validateMemberRollAdmission } from '../../api/mesh/maistra/member-roll.ts';
import { validateKnativeEventingAdmission } from '../../api/operator/knative-eventing.ts';
import { validateKnativeKafkaAdmission } from '../../api/operator/knative-kafka.ts';
import { validateKnativeServingAdmission } from '../../api/operator/knative-serving.ts';
import type { Client } from '../../client/types.ts';
import type { AdmissionPlugin, AdmissionRequest } from '../storage/admission.ts';

type Rule = (obj: KubeObject, client: Client) => Promise<FieldError[]>;

const all = async (client: Client, apiVersion: string, kind: string): Promise<KubeObject[]> => (await client.list({ apiVersion, kind })).items;

const RULES: Record<string, Rule> = {
  'maistra.io/ServiceMeshControlPlane': async (obj, c) => validateControlPlaneAdmission(obj, { controlPlanes: await all(c, 'maistra.io/v2', 'ServiceMeshControlPlane') }),
  'maistra.io/ServiceMeshMemberRoll': async (obj, c) => validateMemberRollAdmission(obj, { memberRolls: await all(c, 'maistra.io/v1', 'ServiceMeshMemberRoll') }),
  'operator.knative.dev/KnativeServing': async (obj, c) => validateKnativeServingAdmission(obj, { knativeServings: await all(c, 'operator.knative.dev/v1beta1', 'KnativeServing') }),
  'operator.knative.dev/KnativeEventing': async (obj, c) => validateKnativeEventingAdmission(obj, { knativeEventings: await all(c, 'operator.knative.dev/v1beta1', 'KnativeEventing') }),
  'operator.serverless.openshift.io/KnativeKafka': async (obj, c) =>
    validateKnativeKafkaAdmission(obj, {
      knativeKafkas: await all(c, 'operator.serverless.openshift.io/v1alpha1', 'KnativeKafka'),
      knativeEventings: await all(c, 'operator.knative.dev/v1beta1', 'KnativeEventing'),
    }),
};

export const clusterRulesPlugin: AdmissionPlugin = {
  name: 'cluster-rules',
  handles: (def: KindDefinition) => `${def.group}/${def.kind}` in RULES,
  validate: (req: AdmissionRequest) => {
    // Status writes come from controllers; the webhooks only look at spec changes.
    if (req.operation === 'status') return [];
    return RULES[`${req.target.def.group}/${req.target.def.kind}`]!(req.object, req.client);
  },
};
