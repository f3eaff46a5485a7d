/**
 * Defaulting of pod specs as core/v1's SetDefaults_* (pkg/apis/core/v1/defaults.go and the
 * generated zz_generated.defaults.go) do it. Used by Pods and by every pod template
 * (Deployment, ReplicaSet); `SetDefaults_Pod`'s extra fields apply to Pods only, which is why
 * `kubectl get deploy -o yaml` shows no `enableServiceLinks` in the template.
 */
import { ensureObj, eachObj, isEmptyStr, isNil, isObj, obj, type Obj } from '../util/obj.ts';

function setIfNil(o: Obj, key: string, value: unknown): void {
  if (isNil(o[key])) o[key] = value;
}

function setIfEmpty(o: Obj, key: string, value: string): void {
  if (isEmptyStr(o[key])) o[key] = value;
}

/** Go's int fields read 0 when unset; the probe defaults replace 0 as well. */
function setIfZero(o: Obj, key: string, value: number): void {
  if (isNil(o[key]) || o[key] === 0) o[key] = value;
}

/**
 * The tag parsers.ParseImageName would report: the explicit tag, `latest` when there is
 * neither tag nor digest, and '' when the reference does not parse (then IfNotPresent).
 */
export function imageTag(image: string): string {
  // docker reference grammar: [domain[:port]/]path-components[:tag][@digest]
  const ref = /^(?:((?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?)\/)?([a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$/;
  const m = ref.exec(image);
  if (!m) return '';
  const [, , , tag, digest] = m;
  if (tag) return tag;
  return digest ? '' : 'latest';
}

function defaultHTTPGet(handler: unknown): void {
  if (!isObj(handler) || !isObj(handler.httpGet)) return;
  setIfEmpty(handler.httpGet, 'path', '/');
  setIfEmpty(handler.httpGet, 'scheme', 'HTTP');
}

function defaultProbe(probe: unknown): void {
  if (!isObj(probe)) return;
  setIfZero(probe, 'timeoutSeconds', 1);
  setIfZero(probe, 'periodSeconds', 10);
  setIfZero(probe, 'successThreshold', 1);
  setIfZero(probe, 'failureThreshold', 3);
  defaultHTTPGet(probe);
  if (isObj(probe.grpc)) setIfNil(probe.grpc, 'service', '');
}

function defaultFieldRef(holder: unknown): void {
  if (isObj(holder) && isObj(holder.fieldRef)) setIfEmpty(holder.fieldRef, 'apiVersion', 'v1');
}

export function defaultContainer(c: Obj): void {
  if (isEmptyStr(c.imagePullPolicy)) {
    c.imagePullPolicy = imageTag(typeof c.image === 'string' ? c.image : '') === 'latest' ? 'Always' : 'IfNotPresent';
  }
  setIfEmpty(c, 'terminationMessagePath', '/dev/termination-log');
  setIfEmpty(c, 'terminationMessagePolicy', 'File');
  eachObj(c.ports, (p) => setIfEmpty(p, 'protocol', 'TCP'));
  eachObj(c.env, (e) => defaultFieldRef(e.valueFrom));
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isObj(c.lifecycle)) {
    defaultHTTPGet(c.lifecycle.postStart);
    defaultHTTPGet(c.lifecycle.preStop);
  }
}

const FILE_MODE_0644 = 420;

export function defaultVolume(v: Obj): void {
  const sources = Object.keys(v).filter((k) => k !== 'name' && !isNil(v[k]));
  if (sources.length === 0) v.emptyDir = {};
  for (const key of ['secret', 'configMap', 'downwardAPI', 'projected'] as const) {
    if (isObj(v[key])) setIfNil(v[key], 'defaultMode', FILE_MODE_0644);
  }
  if (isObj(v.downwardAPI)) eachObj(v.downwardAPI.items, defaultFieldRef);
  if (isObj(v.projected)) {
    eachObj(v.projected.sources, (s) => {
      if (isObj(s.serviceAccountToken)) setIfNil(s.serviceAccountToken, 'expirationSeconds', 3600);
      if (isObj(s.downwardAPI)) eachObj(s.downwardAPI.items, defaultFieldRef);
    });
  }
  if (isObj(v.hostPath)) setIfNil(v.hostPath, 'type', '');
  if (isObj(v.iscsi)) setIfEmpty(v.iscsi, 'iscsiInterface', 'default');
  if (isObj(v.rbd)) {
    setIfEmpty(v.rbd, 'pool', 'rbd');
    setIfEmpty(v.rbd, 'user', 'admin');
    setIfEmpty(v.rbd, 'keyring', '/etc/ceph/keyring');
  }
  if (isObj(v.azureDisk)) {
    setIfNil(v.azureDisk, 'cachingMode', 'ReadWrite');
    setIfNil(v.azureDisk, 'kind', 'Shared');
    setIfNil(v.azureDisk, 'fsType', 'ext4');
    setIfNil(v.azureDisk, 'readOnly', false);
  }
  if (isObj(v.scaleIO)) {
    setIfEmpty(v.scaleIO, 'storageMode', 'ThinProvisioned');
    setIfEmpty(v.scaleIO, 'fsType', 'xfs');
  }
  const claimTemplate = obj(obj(v.ephemeral).volumeClaimTemplate);
  if (isObj(claimTemplate.spec)) setIfNil(claimTemplate.spec, 'volumeMode', 'Filesystem');
}

/** SetDefaults_PodSpec plus the nested defaulters (containers, probes, volumes). */
export function defaultPodSpec(spec: Obj): void {
  setIfEmpty(spec, 'dnsPolicy', 'ClusterFirst');
  setIfEmpty(spec, 'restartPolicy', 'Always');
  if (!isObj(spec.securityContext)) spec.securityContext = {};
  setIfNil(spec, 'terminationGracePeriodSeconds', 30);
  setIfEmpty(spec, 'schedulerName', 'default-scheduler');
  eachObj(spec.containers, defaultContainer);
  eachObj(spec.initContainers, defaultContainer);
  eachObj(spec.ephemeralContainers, defaultContainer);
  eachObj(spec.volumes, defaultVolume);
}

/** Requests default to limits for every resource that has a limit but no request. */
function requestsFromLimits(c: Obj): void {
  const resources = obj(c.resources);
  if (!isObj(resources.limits)) return;
  const requests = ensureObj(ensureObj(c, 'resources'), 'requests');
  for (const [k, v] of Object.entries(resources.limits)) if (!(k in requests)) requests[k] = v;
}

/** SetDefaults_Pod: what only a Pod (not a template) gets, then the pod spec defaults. */
export function defaultPod(pod: Obj): void {
  const spec = ensureObj(pod, 'spec');
  eachObj(spec.containers, requestsFromLimits);
  eachObj(spec.initContainers, requestsFromLimits);
  setIfNil(spec, 'enableServiceLinks', true);
  if (spec.hostNetwork === true) {
    // With host networking every container port is a host port.
    for (const list of [spec.containers, spec.initContainers]) {
      eachObj(list, (c) => eachObj(c.ports, (p) => {
        if (isNil(p.hostPort) || p.hostPort === 0) p.hostPort = p.containerPort;
      }));
    }
  }
  defaultPodSpec(spec);
}
