/**
 * Knative's hello-world sample (helloworld-go), as a built-in image: every request is
 * answered `Hello <TARGET>!` (TARGET from the environment, default `World`), on $PORT
 * (default 8080), logging as the Go sample does.
 *
 * It listens on $SKIFF_LISTEN_ADDRESS, which skiff sets to the pod's own address (every
 * pod has one in 127.0.0.0/8, so many pods can use the same port), or on every interface
 * when unset. Like the Go program it has no SIGTERM handler: the signal ends it.
 */
import { createServer } from 'node:http';

const log = (message: string): void => {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  process.stderr.write(`${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${message}\n`);
};

log('helloworld: starting server...');
const port = Number(process.env.PORT || '8080');
const host = process.env.SKIFF_LISTEN_ADDRESS || undefined;

const server = createServer((req, res) => {
  log('helloworld: received a request');
  const target = process.env.TARGET || 'World';
  const body = `Hello ${target}!\n`;
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
  req.resume();
});
server.keepAliveTimeout = 65_000;
server.on('error', (err) => {
  log(`listen tcp ${host ?? ''}:${port}: ${err.message}`);
  process.exit(1);
});
server.listen(port, host, () => log(`helloworld: listening on port ${port}`));
