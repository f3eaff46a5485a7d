/**
 * Picks the Store implementation from `skiff up --store URL`:
 *   embedded                         the default: WAL + snapshots under <dataDir>/store
 *   etcd://host:port[,host:port…]    an etcd v3 cluster (plain-text gRPC)
 */
import { join } from 'node:path';
import { SkiffError } from '../errors/skiff-error.ts';
import type { Logger } from '../util/log.ts';
import { openEmbeddedStore } from './embedded/embedded-store.ts';
import { openEtcdStore } from './etcd/etcd-store.ts';
import type { Store } from './types.ts';

export interface OpenStoreOptions {
  dataDir: string;
  log: Logger;
  /** Embedded store: revisions of history kept (see SkiffOptions.historyWindow). */
  historyWindow?: number;
}

export async function openStore(url: string, opts: OpenStoreOptions): Promise<Store> {
  if (url === 'embedded') return openEmbeddedStore({ dir: join(opts.dataDir, 'store'), log: opts.log, ...(opts.historyWindow !== undefined ? { historyWindow: opts.historyWindow } : {}) });
  if (url.startsWith('etcd://')) return openEtcdStore({ endpoints: parseEtcdEndpoints(url), log: opts.log });
  throw badUrl(url, 'it names no known store');
}

const ENDPOINT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** `etcd://a:1,b:2` → ['a:1', 'b:2'], or SKF_STORE_BAD_URL saying which part is wrong. */
export function parseEtcdEndpoints(url: string): string[] {
  const list = url.slice('etcd://'.length).replace(/\/$/, '');
  if (list === '') throw badUrl(url, 'it lists no etcd endpoint');
  return list.split(',').map((endpoint) => {
    const match = ENDPOINT.exec(endpoint);
    const port = Number(match?.[2]);
    if (match === null || port < 1 || port > 65535) throw badUrl(url, `"${endpoint}" is not HOST:PORT`);
    return endpoint;
  });
}

function badUrl(url: string, why: string): SkiffError {
  return new SkiffError('SKF_STORE_BAD_URL', `Store URL "${url}" is not understood: ${why}. Use "embedded" or "etcd://HOST:PORT[,HOST:PORT…]".`, {
    details: { url },
  });
}
