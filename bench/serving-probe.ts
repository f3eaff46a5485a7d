/**
 * One request through skiff's whole serving path as the seed's curl makes it: a new TLS
 * connection to the router on 127.0.0.1 with SNI = the ksvc's host (the router passes it
 * through by SNI to the istio-ingressgateway, which terminates TLS with the wildcard
 * certificate, verified here against the seed's root CA). Time to first byte is from just
 * before the connection is opened until the response head arrives, as curl's
 * time_starttransfer.
 */
import { request } from 'node:https';

export interface ProbeResult {
  status: number;
  body: string;
  firstByteMs: number;
}

export interface RouterTarget {
  port: number;
  host: string;
  ca: string;
}

export function probe(target: RouterTarget, path = '/', timeoutMs = 60_000): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request({
      host: '127.0.0.1', port: target.port, path, servername: target.host, ca: target.ca, agent: false,
      headers: { host: `${target.host}:${target.port}` }, timeout: timeoutMs,
    }, (res) => {
      const firstByteMs = performance.now() - started;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), firstByteMs }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${target.host} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
