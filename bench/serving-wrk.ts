/**
 * wrk through skiff's router. The router passes TLS through by SNI, and wrk sends the URL's
 * host as SNI, so the URL must name the ksvc's host; a wrk Lua script replaces wrk's DNS
 * lookup with 127.0.0.1 (the host does not resolve), leaving SNI and Host as a client that
 * resolved it would send them. Figures are read by mesh-wrk.ts's parser.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseWrkOutput, type WrkResult } from './mesh-wrk.ts';

const run = promisify(execFile);

/** Connects every wrk connection to 127.0.0.1 whatever the URL's host. */
export const LOOPBACK_RESOLVE_LUA = `wrk.resolve = function(host, service)
  wrk.addrs = wrk.lookup("127.0.0.1", service)
end
`;

export interface ServingWrkOptions {
  url: string;
  threads: number;
  connections: number;
  seconds: number;
  /** Connect to 127.0.0.1 instead of resolving the URL's host. */
  loopback: boolean;
}

export async function runServingWrk(opts: ServingWrkOptions): Promise<WrkResult> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-bench-wrk-'));
  try {
    const script = join(dir, 'loopback.lua');
    await writeFile(script, LOOPBACK_RESOLVE_LUA);
    const args = [`-t${opts.threads}`, `-c${opts.connections}`, `-d${opts.seconds}s`, '--latency', ...(opts.loopback ? ['-s', script] : []), opts.url];
    const { stdout } = await run('wrk', args, { timeout: (opts.seconds + 30) * 1000 });
    return parseWrkOutput(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
