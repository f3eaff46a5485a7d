/**
 * Knative's hello-world sample (helloworld-go): every request is answered `Hello <TARGET>!`
 * (TARGET from the environment, default `World`), on $PORT (default 8080), logging as the
 * Go sample does. It listens on $SKIFF_LISTEN_ADDRESS — skiff sets it to the pod's own
 * address, so many pods can use the same port — or on every interface when unset. Like
 * the Go program it handles no signal: SIGTERM ends it.
 */
import { createServer } from 'node:http';
import type { Program } from '../program.ts';

export const helloworld: Program = (io) => {
  const log = (message: string): void => {
    const d = new Date();
    const pad = (n: number) => String(n).padStart(2, '0');
    io.stderr.write(`${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${message}\n`);
  };
  log('helloworld: starting server...');
  const port = Number(io.env.PORT || '8080');
  const host = io.env.SKIFF_LISTEN_ADDRESS || undefined;
  const server = createServer((req, res) => {
    log('helloworld: received a request');
    const body = `Hello ${io.env.TARGET || 'World'}!\n`;
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    req.resume();
  });
  server.keepAliveTimeout = 65_000;
  server.on('error', (err) => {
    log(`listen tcp ${host ?? ''}:${port}: ${err.message}`);
    io.exit(1);
  });
  server.listen(port, host, () => log(`helloworld: listening on port ${port}`));
  return {
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
};
