/**
 * Raw HTTPS requests to a running skiff with the real `curl`, holding exactly the
 * credentials a test chooses: the cluster CA from DIR/pki to verify the server, plus the
 * admin token, a client certificate, or nothing. Bodies go through stdin so that
 * multi-megabyte requests do not hit argv limits.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PKI_FILES, pkiDirOf } from '../../src/pki/layout.ts';

/** Paths of the PKI files `skiff up` wrote into a data directory. */
export function pkiFiles(dataDir: string): Record<keyof typeof PKI_FILES, string> {
  const dir = pkiDirOf(dataDir);
  return Object.fromEntries(Object.entries(PKI_FILES).map(([k, v]) => [k, join(dir, v)])) as Record<keyof typeof PKI_FILES, string>;
}

export type Credentials =
  | { kind: 'token'; token?: string }
  | { kind: 'cert'; certFile: string; keyFile: string }
  | { kind: 'none' };

export interface CurlRequest {
  method?: string;
  /** Path and query, e.g. `/api/v1/namespaces/default/configmaps?fieldValidation=Strict`. */
  path: string;
  contentType?: string;
  body?: string | Buffer;
  /** Default: the admin bearer token. */
  credentials?: Credentials;
}

export interface CurlAnswer {
  status: number;
  /** Header names lower-cased; repeated headers joined with `, ` except Warning, kept apart. */
  headers: Record<string, string>;
  warnings: string[];
  body: string;
}

export interface ProgramResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program (curl, openssl) with the given arguments and stdin; never throws on a non-zero exit. */
export function runProgram(command: string, args: string[], stdin?: string | Buffer): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr }));
    // curl may stop reading (e.g. after a 413) and openssl may not read at all.
    child.stdin.on('error', () => {});
    child.stdin.end(stdin ?? '');
  });
}

/** A request function bound to one skiff: `apiServer` is its `https://127.0.0.1:PORT`. */
export function curlFor(dataDir: string, apiServer: string): (req: CurlRequest) => Promise<CurlAnswer> {
  const files = pkiFiles(dataDir);
  const adminToken = readFileSync(files.adminToken, 'utf8').trim();
  return async (req) => {
    // `Expect:` off: no 100-continue round before large bodies, so one status line per answer.
    const args = ['-sS', '-i', '--cacert', files.caCert, '-X', req.method ?? 'GET', '-H', 'Expect:'];
    const creds = req.credentials ?? { kind: 'token' };
    if (creds.kind === 'token') args.push('-H', `Authorization: Bearer ${creds.token ?? adminToken}`);
    if (creds.kind === 'cert') args.push('--cert', creds.certFile, '--key', creds.keyFile);
    if (req.contentType) args.push('-H', `Content-Type: ${req.contentType}`);
    if (req.body !== undefined) args.push('--data-binary', '@-');
    args.push(`${apiServer}${req.path}`);
    const r = await runProgram('curl', args, req.body);
    if (r.code !== 0) throw new Error(`curl ${req.method ?? 'GET'} ${req.path} exited ${r.code}: ${r.stderr}`);
    return parseHttpResponse(r.stdout);
  };
}

function parseHttpResponse(raw: string): CurlAnswer {
  const end = raw.indexOf('\r\n\r\n');
  const head = end < 0 ? raw : raw.slice(0, end);
  const body = end < 0 ? '' : raw.slice(end + 4);
  const [statusLine, ...lines] = head.split('\r\n');
  const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(statusLine ?? '')?.[1] ?? NaN);
  const headers: Record<string, string> = {};
  const warnings: string[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'warning') warnings.push(value);
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status, headers, warnings, body };
}
