/**
 * The kernel's packet filter, driven through Debian's `nft` program: a whole ruleset
 * script goes in on stdin and the kernel applies it as one transaction (all or nothing),
 * which is what lets the policy table be replaced without a moment of no rules.
 */
import { spawn } from 'node:child_process';
import { parseIPv4 } from '../ip-allocator.ts';

export class NftError extends Error {}

/** Runs `nft -f -` with `script`; rejects with nft's own message when the kernel refuses it. */
export function runNft(script: string, args: readonly string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('nft', [...args, '-f', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.once('error', (e: NodeJS.ErrnoException) => reject(new NftError(e.code === 'ENOENT' ? 'nft is not installed (Debian package nftables)' : e.message)));
    child.once('close', (code) => (code === 0 ? resolve(out) : reject(new NftError(err.trim() || `nft exited with ${code}`))));
    child.stdin.on('error', () => undefined);
    child.stdin.end(script);
  });
}

/** `nft list tables` as [family, name] pairs. */
export async function listTables(): Promise<Array<{ family: string; name: string }>> {
  const out = await runNft('list tables\n');
  return out.split('\n').map((line) => /^table (\S+) (\S+)/.exec(line.trim())).filter((m) => m !== null).map((m) => ({ family: m[1]!, name: m[2]! }));
}

/** A table's comment (skiff writes the owning process there), or undefined. */
export async function tableComment(family: string, name: string): Promise<string | undefined> {
  const out = await runNft(`list table ${family} ${name}\n`).catch(() => '');
  return /^\s*comment "([^"]*)"/m.exec(out)?.[1];
}

/** Dotted IPv4 → the 32-bit number nft shows marks as (`0x7ff40005`). */
export function ipv4AsMark(ip: string): string {
  const n = parseIPv4(ip);
  if (n === undefined) throw new Error(`not an IPv4 address: ${ip}`);
  return `0x${n.toString(16).padStart(8, '0')}`;
}
