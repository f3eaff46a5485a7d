/**
 * Calls to a running skiff's API from the CLI, over HTTPS with the cluster CA and the admin
 * token from the data directory: the same trust kubectl gets from the kubeconfig.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { SkiffError } from '../errors/skiff-error.ts';
import { PKI_FILES, pkiDirOf } from '../pki/layout.ts';
import type { InstanceInfo } from '../server/types.ts';

export interface ApiResponse {
  status: number;
  body: string;
}

export interface ApiClient {
  get(path: string): Promise<ApiResponse>;
  close(): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 5000;

export async function openApiClient(info: InstanceInfo): Promise<ApiClient> {
  const pkiDir = pkiDirOf(info.dataDir);
  const [ca, token] = await Promise.all([
    readFile(join(pkiDir, PKI_FILES.caCert), 'utf8'),
    readFile(join(pkiDir, PKI_FILES.adminToken), 'utf8'),
  ]);
  const dispatcher = new Agent({
    connect: { ca, timeout: REQUEST_TIMEOUT_MS },
    headersTimeout: REQUEST_TIMEOUT_MS,
    bodyTimeout: REQUEST_TIMEOUT_MS,
  });
  return {
    async get(path) {
      const url = new URL(path, info.apiServer);
      try {
        const response = await request(url, {
          dispatcher,
          headers: { authorization: `Bearer ${token.trim()}`, accept: 'application/json, */*' },
        });
        return { status: response.statusCode, body: await response.body.text() };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason = `${(error as Error).message}${code !== undefined && !(error as Error).message.includes(code) ? ` (${code})` : ''}`;
        throw new SkiffError('SKF_CLI_API_UNREACHABLE', `cannot reach the skiff API at ${url.origin}: ${reason}`, { cause: error });
      }
    },
    close: () => dispatcher.close(),
  };
}

/** Runs `use` with a client and always closes it, so the CLI exits without open sockets. */
export async function withApiClient<T>(info: InstanceInfo, use: (client: ApiClient) => Promise<T>): Promise<T> {
  const client = await openApiClient(info);
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}
