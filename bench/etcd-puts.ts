/**
 * The peer: raw etcd puts from `clients` concurrent callers on one etcd3 client (one gRPC
 * channel, as skiff's etcd store uses), with values the size of a stored ConfigMap.
 */
import { Etcd3 } from 'etcd3';
import { runClosedLoop, type LoadResult } from './closed-loop.ts';
import type { WriteLoadOptions } from './api-writes.ts';

export async function measureEtcdPuts(endpoint: string, value: string, opts: WriteLoadOptions): Promise<LoadResult> {
  const client = new Etcd3({ hosts: `http://${endpoint}` });
  try {
    return await runClosedLoop({
      ...opts,
      operation: async (worker, i) => {
        await client.put(`/bench/puts/${worker}/${i}`).value(value);
      },
    });
  } finally {
    client.close();
  }
}
