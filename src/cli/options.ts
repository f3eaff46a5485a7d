/**
 * Flags shared by several commands and their strict parsers. A parser rejects with
 * commander's InvalidArgumentError; the CLI reports every argument error as
 * SKF_CLI_BAD_ARGUMENT.
 */
import { InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { formatPortRange, ipv4ToInt, parseIpv4Range, parsePortRange, type Ipv4Range } from '../api/builtin/core/service-network.ts';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export const OUTPUT_FORMATS = ['text', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function outputOption() {
  return new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('text' as OutputFormat);
}

export function dataDirOption() {
  return new Option('--data-dir <dir>', 'data directory (default: $SKIFF_DATA_DIR, else ~/.skiff)').argParser(parseDataDir);
}

/** --data-dir, else $SKIFF_DATA_DIR, else ~/.skiff; always absolute. */
export function resolveDataDir(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const fromEnv = env.SKIFF_DATA_DIR;
  const chosen = flag ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(env.HOME ?? homedir(), '.skiff'));
  const expanded = chosen === '~' || chosen.startsWith('~/') ? join(env.HOME ?? homedir(), chosen.slice(1)) : chosen;
  return isAbsolute(expanded) ? expanded : resolve(expanded);
}

export function parseDataDir(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('The data directory must not be empty.');
  return value;
}

/** A TCP port: 1–65535, or 0 for "pick a free one". Digits only: no signs, spaces or exponents. */
export function parsePort(value: string): number {
  if (!/^[0-9]{1,5}$/.test(value) || Number(value) > 65535) {
    throw new InvalidArgumentError('Expected a port number from 1 to 65535, or 0 to pick a free port.');
  }
  return Number(value);
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration as Go and kubectl write them: `30s`, `1m30s`, `500ms`, `1.5h`; a bare `0` is
 * allowed. Returns milliseconds.
 */
export function parseDuration(value: string): number {
  if (value === '0') return 0;
  const part = /([0-9]+(?:\.[0-9]+)?)(ms|h|m|s)/y;
  let total = 0;
  let offset = 0;
  while (offset < value.length) {
    part.lastIndex = offset;
    const match = part.exec(value);
    if (match === null) break;
    total += Number(match[1]) * DURATION_UNITS_MS[match[2]!]!;
    offset = part.lastIndex;
  }
  if (value === '' || offset !== value.length) {
    throw new InvalidArgumentError('Expected a duration such as 30s, 2m or 1m30s.');
  }
  return Math.round(total);
}

/** Where Service addresses may come from: loopback, between skiff's own listeners and the pods'. */
const SERVICE_ADDRESSES = { first: ipv4ToInt('127.1.0.0')!, last: ipv4ToInt('127.127.255.255')! };

/**
 * A loopback range for Service addresses (`--service-cluster-ip-range`,
 * `--load-balancer-pool`): skiff's service proxy listens on these addresses on this machine,
 * where only loopback ones need no setup; 127.0.0.0/16 holds skiff's own listeners (API
 * server, router, node ports) and 127.128.0.0/9 the pod networks (cidr-claims.ts). As
 * kube-apiserver, a range wider than /12 is refused.
 */
export function parseLoopbackRange(value: string): string {
  let range: Ipv4Range;
  try {
    range = parseIpv4Range(value);
  } catch (err) {
    throw new InvalidArgumentError(`${(err as Error).message}.`);
  }
  if (range.base >>> 24 !== 127) throw new InvalidArgumentError(`${range.cidr} is not inside 127.0.0.0/8: skiff serves Service addresses on the loopback interface.`);
  if (range.size > 2 ** 20) throw new InvalidArgumentError(`${range.cidr} is too large; for 32-bit addresses, the mask must be >= 12.`);
  if (range.base < SERVICE_ADDRESSES.first || range.base + range.size - 1 > SERVICE_ADDRESSES.last) {
    throw new InvalidArgumentError(`${range.cidr} must lie within 127.1.0.0-127.127.255.255: 127.0.0.0/16 holds skiff's own listeners and 127.128.0.0/9 the pods' addresses.`);
  }
  return range.cidr;
}

/** A node port range, `MIN-MAX` (`--service-node-port-range`, as kube-apiserver's flag). */
export function parseNodePortRange(value: string): string {
  try {
    return formatPortRange(parsePortRange(value));
  } catch (err) {
    throw new InvalidArgumentError(`${(err as Error).message}.`);
  }
}
