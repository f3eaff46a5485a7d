/**
 * Wires OpenShift's service CA (service-ca-operator's serving-cert signer and CA bundle
 * injector) as one controller: informers on Services, Secrets and ConfigMaps feed one
 * queue whose keys name what to converge — `service:<ns>/<name>`, `configmap:<ns>/<name>`
 * or `signer` (the signing-key Secret changed or went: load or recreate it, then revisit
 * everything it signed).
 */
import { Controller } from '../../../client/controller.ts';
import { Informer, objectKeyOf } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { Logger } from '../../../util/log.ts';
import { SIGNER_NAMESPACE, SIGNER_SECRET, ORIGINATING_SERVICE_NAME, ALPHA_ORIGINATING_SERVICE_NAME } from './annotations.ts';
import { wantsCaBundle } from './ca-bundle.ts';
import { reconcileConfigMap, reconcileService, type ServiceCaView } from './reconcile.ts';
import { CONFIG_MAP, SECRET, SERVICE, type ConfigMap, type Secret } from './secret-data.ts';
import { servingSecretNameOf, type ServiceObject } from './serving-cert.ts';
import { ensureSigner } from './signer-secret.ts';

const SIGNER_KEY = 'signer';

export interface ServiceCaOptions {
  /** The clock (tests move it to see renewal). */
  now?: () => Date;
}

export async function startServiceCaController(client: Client, log: Logger, opts: ServiceCaOptions = {}): Promise<{ stop(): Promise<void> }> {
  const now = opts.now ?? (() => new Date());
  let signer = await ensureSigner(client, now());
  const services = new Informer<ServiceObject>(client, SERVICE, {}, log);
  const secrets = new Informer<Secret>(client, SECRET, {}, log);
  const configMaps = new Informer<ConfigMap>(client, CONFIG_MAP, {}, log);
  const view: ServiceCaView = {
    client,
    signer: () => signer,
    service: (k) => services.get(k),
    secret: (k) => secrets.get(k),
    configMap: (k) => configMaps.get(k),
    now,
  };
  const controller = new Controller({
    name: 'service-ca-controller',
    reconcile: async (key) => {
      if (key === SIGNER_KEY) return reloadSigner();
      const [kind, objectKey] = splitKey(key);
      return kind === 'service' ? reconcileService(view, objectKey) : reconcileConfigMap(view, objectKey);
    },
  }, log);

  async function reloadSigner(): Promise<void> {
    const current = await ensureSigner(client, now());
    if (current.ca.certPem === signer.ca.certPem) return;
    log.info({ signer: current.commonName }, 'service CA signer changed; revisiting serving certificates and CA bundles');
    signer = current;
    for (const s of services.list()) enqueueService(s);
    for (const cm of configMaps.list()) enqueueConfigMap(cm);
  }

  function enqueueService(service: ServiceObject): void {
    if (servingSecretNameOf(service)) controller.enqueue(`service:${objectKeyOf(service)}`);
  }
  function enqueueConfigMap(configMap: ConfigMap): void {
    if (wantsCaBundle(configMap)) controller.enqueue(`configmap:${objectKeyOf(configMap)}`);
  }
  /** A Secret event concerns the Service it names, any Service asking for that name (a clash), or the signer. */
  function onSecret(secret: Secret): void {
    const { namespace, name, annotations = {} } = secret.metadata;
    if (namespace === SIGNER_NAMESPACE && name === SIGNER_SECRET) controller.enqueue(SIGNER_KEY);
    const owner = annotations[ORIGINATING_SERVICE_NAME] || annotations[ALPHA_ORIGINATING_SERVICE_NAME];
    if (owner) controller.enqueue(`service:${namespace}/${owner}`);
    for (const s of services.list(namespace)) if (servingSecretNameOf(s) === name) enqueueService(s);
  }

  services.addHandlers({ add: enqueueService, update: (_old, s) => enqueueService(s) });
  secrets.addHandlers({ update: (_old, s) => onSecret(s), delete: onSecret });
  configMaps.addHandlers({ add: enqueueConfigMap, update: (_old, cm) => enqueueConfigMap(cm) });
  // Secrets first: a Service reconciled before its Secret is cached would look unissued.
  await secrets.start();
  await configMaps.start();
  await services.start();
  controller.run(2);
  return { stop: async () => { services.stop(); secrets.stop(); configMaps.stop(); await controller.stop(); } };
}

function splitKey(key: string): [string, string] {
  const at = key.indexOf(':');
  return [key.slice(0, at), key.slice(at + 1)];
}
