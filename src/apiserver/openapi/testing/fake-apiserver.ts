/**
 * Test scaffolding only: the smallest HTTP server `kubectl explain` can talk to — legacy
 * discovery (/api, /apis, /api/v1, /apis/<g>/<v>), /version, and the OpenAPI v3 documents
 * of this folder — over plain HTTP on a random loopback port. kubectl sends no credentials
 * over http://, and explain needs none.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KindDefinition } from '../../../api/kind.ts';
import { openApiV3Response } from '../http-response.ts';
import { OpenApiV3Service } from '../service.ts';

export interface FakeApiServer {
  url: string;
  /** Every request path seen, in order (for asserting what kubectl fetched). */
  requests: string[];
  close(): Promise<void>;
}

function servedVersions(kinds: readonly KindDefinition[], group: string): string[] {
  const versions: string[] = [];
  for (const def of kinds.filter((d) => d.group === group)) {
    for (const v of def.versions) if (v.served && !versions.includes(v.name)) versions.push(v.name);
  }
  return versions;
}

function resourceList(kinds: readonly KindDefinition[], group: string, version: string): object {
  const resources = [];
  for (const def of kinds.filter((d) => d.group === group && d.versions.some((v) => v.name === version && v.served))) {
    const verbs = [...(def.verbs ?? ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'])];
    resources.push({ name: def.plural, singularName: def.singular, namespaced: def.scope === 'Namespaced', kind: def.kind, verbs, shortNames: def.shortNames, categories: def.categories });
    if (def.subresources.status) resources.push({ name: `${def.plural}/status`, singularName: '', namespaced: def.scope === 'Namespaced', kind: def.kind, verbs: ['get', 'patch', 'update'] });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group === '' ? version : `${group}/${version}`, resources };
}

function route(kinds: readonly KindDefinition[], service: OpenApiV3Service, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  const json = (status: number, body: object): void => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '/version') return json(200, { major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' });
  if (path === '/api') return json(200, { kind: 'APIVersions', versions: servedVersions(kinds, ''), serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: req.headers.host ?? '' }] });
  if (path === '/apis') {
    const groups = [...new Set(kinds.map((d) => d.group).filter((g) => g !== ''))].sort().map((name) => {
      const versions = servedVersions(kinds, name).map((version) => ({ groupVersion: `${name}/${version}`, version }));
      return { name, versions, preferredVersion: versions[0] };
    });
    return json(200, { kind: 'APIGroupList', apiVersion: 'v1', groups });
  }
  const core = /^\/api\/([^/]+)$/.exec(path);
  const named = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  const [group, version] = core ? ['', core[1]!] : named ? [named[1]!, named[2]!] : [undefined, undefined];
  if (group !== undefined && version !== undefined && servedVersions(kinds, group).includes(version)) return json(200, resourceList(kinds, group, version));
  if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) {
    const answer = openApiV3Response(service, { path, query: url.searchParams, accept: req.headers.accept, ifNoneMatch: req.headers['if-none-match'] });
    if (answer) {
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
      return;
    }
  }
  json(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
}

export async function startFakeApiServer(kinds: readonly KindDefinition[]): Promise<FakeApiServer> {
  const service = new OpenApiV3Service(() => kinds);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    route(kinds, service, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    }),
  };
}
