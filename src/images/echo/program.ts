/**
 * An httpbin-style echo server (go-httpbin, http-echo, echo-server …):
 *   /, /anything[/…]     the request as JSON (method, url, args, headers, origin, data, json)
 *   /get, /post, /put, /patch, /delete   the same, for that method only (405 otherwise)
 *   /headers, /ip, /user-agent, /hostname
 *   /status/<code>       answers with that status
 *   /delay/<seconds>     waits (at most 10 s), then echoes
 *   /healthz, /readyz    200 `ok`
 * hashicorp/http-echo's flags work too: `-text=<body>` makes every answer that text,
 * `-listen=:<port>` and `-status-code=<n>` choose the port and status.
 *
 * Port: -listen, else $PORT, else 8080; address: $SKIFF_LISTEN_ADDRESS (the pod's own), else
 * every interface. SIGTERM closes the listener and exits 0 once in-flight requests finish.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Program } from '../program.ts';

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function describe(req: IncomingMessage, body: Buffer, hostname: string): Record<string, unknown> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  const args: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    args[key] = all.length === 1 ? all[0]! : all;
  }
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers[req.rawHeaders[i]!] = req.rawHeaders[i + 1]!;
  const data = body.toString('utf8');
  let json: unknown = null;
  if (/json/.test(req.headers['content-type'] ?? '')) {
    try { json = JSON.parse(data); } catch { json = null; }
  }
  return { method: req.method, url: url.toString(), args, headers, origin: req.socket.remoteAddress ?? '', data, json, hostname };
}

export const echo: Program = (io) => {
  const flags = new Map<string, string>();
  for (const arg of io.args) {
    const m = /^--?([\w-]+)(?:=(.*))?$/.exec(arg);
    if (m) flags.set(m[1]!, m[2] ?? 'true');
  }
  const listen = flags.get('listen');
  const port = Number(listen ? listen.slice(listen.lastIndexOf(':') + 1) : io.env.PORT || '8080');
  const host = io.env.SKIFF_LISTEN_ADDRESS || undefined;
  const fixedText = flags.get('text');
  const fixedStatus = Number(flags.get('status-code') ?? 200);
  const hostname = io.env.HOSTNAME ?? '';
  const timers = new Set<NodeJS.Timeout>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (fixedText !== undefined) return send(res, fixedStatus, `${fixedText}\n`);
    const path = (req.url ?? '/').split('?')[0]!;
    const methodRoute = /^\/(get|post|put|patch|delete)$/.exec(path);
    if (methodRoute) {
      if (req.method?.toLowerCase() !== methodRoute[1]) return send(res, 405, { error: `method ${req.method} not allowed` });
      return send(res, 200, describe(req, body, hostname));
    }
    const status = /^\/status\/(\d{3})$/.exec(path);
    if (status) return send(res, Number(status[1]), '');
    const delay = /^\/delay\/(\d+(?:\.\d+)?)$/.exec(path);
    if (delay) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { timers.delete(timer); resolve(); }, Math.min(Number(delay[1]), 10) * 1000);
        timers.add(timer);
      });
      return send(res, 200, describe(req, body, hostname));
    }
    switch (path) {
      case '/healthz':
      case '/readyz':
        return send(res, 200, 'ok\n');
      case '/headers':
        return send(res, 200, { headers: describe(req, body, hostname).headers });
      case '/ip':
        return send(res, 200, { origin: req.socket.remoteAddress ?? '' });
      case '/user-agent':
        return send(res, 200, { 'user-agent': req.headers['user-agent'] ?? '' });
      case '/hostname':
        return send(res, 200, `${hostname}\n`);
    }
    if (path === '/' || path === '/anything' || path.startsWith('/anything/')) return send(res, 200, describe(req, body, hostname));
    return send(res, 404, { error: `no route for ${path}` });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => send(res, 500, { error: err.message }));
  });
  server.on('error', (err) => {
    io.stderr.write(`echo: cannot listen on ${host ?? '*'}:${port}: ${err.message}\n`);
    io.exit(1);
  });
  server.listen(port, host, () => io.stdout.write(`echo: listening on ${host ?? '*'}:${port}\n`));
  io.onSignal('SIGTERM', () => {
    io.stdout.write('echo: SIGTERM received, shutting down\n');
    server.close(() => io.exit(0));
    server.closeIdleConnections();
  });
  return {
    close: () => {
      for (const t of timers) clearTimeout(t);
      server.close();
      server.closeAllConnections();
    },
  };
};
