/**
 * The configuration Knative's admission webhooks read, kept current from the live ConfigMaps
 * (config-defaults, config-autoscaler, config-features in knative-serving; config-br-defaults,
 * default-ch-webhook, config-features, config-ping-defaults in knative-eventing), as the
 * webhooks' config stores do upstream. Until the ConfigMaps exist (or before `start`), the
 * upstream defaults apply. Admission calls `source` synchronously on every request, so the
 * parsed config is cached and rebuilt only when one of those ConfigMaps changes.
 */
import type { ConfigSource } from '../api/knative/admission.ts';
import { eventingConfigFromConfigMaps, servingConfigFromConfigMaps, upstreamKnativeConfig, type KnativeConfig } from '../api/knative/index.ts';
import type { KubeObject } from '../api/object.ts';
import { Informer } from '../client/informer.ts';
import type { Client } from '../client/types.ts';
import type { Logger } from '../util/log.ts';

const CONFIG_MAP = { apiVersion: 'v1', kind: 'ConfigMap' } as const;

export class LiveKnativeConfig {
  #current: KnativeConfig = upstreamKnativeConfig();
  #informers: Informer[] = [];
  readonly source: ConfigSource = () => this.#current;

  async start(client: Client, log: Logger): Promise<void> {
    const serving = new Informer(client, CONFIG_MAP, { namespace: 'knative-serving' }, log);
    const eventing = new Informer(client, CONFIG_MAP, { namespace: 'knative-eventing' }, log);
    this.#informers = [serving, eventing];
    const rebuild = () => {
      const data = (informer: Informer, name: string, ns: string) => ((informer.get(`${ns}/${name}`) as KubeObject | undefined)?.data ?? undefined) as Record<string, string> | undefined;
      this.#current = {
        serving: servingConfigFromConfigMaps({
          defaults: data(serving, 'config-defaults', 'knative-serving'),
          autoscaler: data(serving, 'config-autoscaler', 'knative-serving'),
          features: data(serving, 'config-features', 'knative-serving'),
        }),
        eventing: eventingConfigFromConfigMaps({
          brDefaults: data(eventing, 'config-br-defaults', 'knative-eventing'),
          chDefaults: data(eventing, 'default-ch-webhook', 'knative-eventing'),
          features: data(eventing, 'config-features', 'knative-eventing'),
          pingDefaults: data(eventing, 'config-ping-defaults', 'knative-eventing'),
        }),
      };
    };
    for (const informer of this.#informers) informer.addHandlers({ add: rebuild, update: rebuild, delete: rebuild });
    for (const informer of this.#informers) await informer.start();
    rebuild();
  }

  stop(): void {
    for (const informer of this.#informers) informer.stop();
  }
}
