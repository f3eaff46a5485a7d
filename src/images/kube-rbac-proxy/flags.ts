/**
 * kube-rbac-proxy's command line, parsed as its cobra/pflag command does: `--name=value`
 * or `--name value`, booleans bare or `=true|false`, string lists comma-separated and
 * repeatable, `-v`/`-h` as shorthands, `--` ending the flags, and no positional arguments.
 * An unknown flag is an error (`unknown flag: --x`), as pflag reports it. Flags upstream
 * accepts but skiff has no use for (OIDC, HTTP/2 tuning, API QPS) are parsed and ignored;
 * klog's removed flags (`--logtostderr`, …) are accepted with upstream's warning.
 */

export interface ProxyOptions {
  secureListenAddress: string;
  insecureListenAddress: string;
  upstream: string;
  upstreamCAFile: string;
  upstreamClientCertFile: string;
  upstreamClientKeyFile: string;
  tlsCertFile: string;
  tlsPrivateKeyFile: string;
  tlsMinVersion: string;
  /** How often the serving certificate files are re-read (upstream: `--tls-reload-interval`, 1m). */
  tlsReloadIntervalMs: number;
  clientCAFile: string;
  allowPaths: string[];
  ignorePaths: string[];
  authHeaderFieldsEnabled: boolean;
  authHeaderUserFieldName: string;
  authHeaderGroupsFieldName: string;
  authHeaderGroupsFieldSeparator: string;
  authTokenAudiences: string[];
  kubeconfig: string;
  proxyEndpointsPort: number;
  verbosity: number;
  help: boolean;
  version: boolean;
  /** Removed klog flags that were given (each earns upstream's warning). */
  removedFlagsGiven: string[];
}

type Kind = 'string' | 'bool' | 'list' | 'int' | 'duration' | 'float';

interface FlagSpec {
  kind: Kind;
  set?: (o: ProxyOptions, value: string) => void;
}

const str = (key: keyof ProxyOptions): FlagSpec => ({ kind: 'string', set: (o, v) => { (o as unknown as Record<string, unknown>)[key] = v; } });
const ignored = (kind: Kind): FlagSpec => ({ kind });

/** klog flags upstream hides and warns about ("removed in the k8s upstream"). */
const REMOVED_KLOG_FLAGS: Record<string, Kind> = {
  'logtostderr': 'bool', 'add-dir-header': 'bool', 'alsologtostderr': 'bool', 'log-backtrace-at': 'string', 'log-dir': 'string',
  'log-file': 'string', 'log-file-max-size': 'int', 'one-output': 'bool', 'skip-headers': 'bool', 'skip-log-headers': 'bool', 'stderrthreshold': 'string',
};

/** Lists replace their default on first use and append afterwards, as pflag's StringSlice. */
const listFlag = (key: 'allowPaths' | 'ignorePaths' | 'authTokenAudiences'): FlagSpec => ({
  kind: 'list',
  set: (o, v) => { o[key] = [...o[key], ...splitList(v)]; },
});

const FLAGS: Record<string, FlagSpec> = {
  'secure-listen-address': str('secureListenAddress'),
  'insecure-listen-address': str('insecureListenAddress'),
  'upstream': str('upstream'),
  'upstream-ca-file': str('upstreamCAFile'),
  'upstream-client-cert-file': str('upstreamClientCertFile'),
  'upstream-client-key-file': str('upstreamClientKeyFile'),
  'upstream-force-h2c': ignored('bool'),
  'config-file': ignored('string'),
  'allow-paths': listFlag('allowPaths'),
  'ignore-paths': listFlag('ignorePaths'),
  'proxy-endpoints-port': { kind: 'int', set: (o, v) => { o.proxyEndpointsPort = Number(v); } },
  'tls-cert-file': str('tlsCertFile'),
  'tls-private-key-file': str('tlsPrivateKeyFile'),
  'tls-min-version': str('tlsMinVersion'),
  'tls-cipher-suites': ignored('list'),
  'tls-reload-interval': { kind: 'duration', set: (o, v) => { o.tlsReloadIntervalMs = parseGoDuration(v)!; } },
  'client-ca-file': str('clientCAFile'),
  'auth-header-fields-enabled': { kind: 'bool', set: (o, v) => { o.authHeaderFieldsEnabled = v === 'true'; } },
  'auth-header-user-field-name': str('authHeaderUserFieldName'),
  'auth-header-groups-field-name': str('authHeaderGroupsFieldName'),
  'auth-header-groups-field-separator': str('authHeaderGroupsFieldSeparator'),
  'auth-token-audiences': listFlag('authTokenAudiences'),
  'oidc-issuer': ignored('string'), 'oidc-clientID': ignored('string'), 'oidc-groups-claim': ignored('string'),
  'oidc-username-claim': ignored('string'), 'oidc-username-prefix': ignored('string'), 'oidc-groups-prefix': ignored('string'),
  'oidc-sign-alg': ignored('list'), 'oidc-ca-file': ignored('string'),
  'kubeconfig': str('kubeconfig'),
  'kube-api-qps': ignored('float'), 'kube-api-burst': ignored('int'),
  'http2-disable': ignored('bool'), 'http2-max-concurrent-streams': ignored('int'), 'http2-max-size': ignored('int'),
  'v': { kind: 'int', set: (o, v) => { o.verbosity = Number(v); } },
  'vmodule': ignored('string'),
  'log-flush-frequency': ignored('duration'),
  'help': { kind: 'bool', set: (o, v) => { o.help = v === 'true'; } },
  'version': { kind: 'string', set: (o, v) => { o.version = v !== 'false'; } },
  ...Object.fromEntries(Object.entries(REMOVED_KLOG_FLAGS).map(([name, kind]) => [name, { kind, set: (o: ProxyOptions) => { o.removedFlagsGiven.push(name); } }])),
};

const SHORTHANDS: Record<string, string> = { v: 'v', h: 'help' };

export function defaultOptions(): ProxyOptions {
  return {
    secureListenAddress: '', insecureListenAddress: '', upstream: '', upstreamCAFile: '', upstreamClientCertFile: '', upstreamClientKeyFile: '',
    tlsCertFile: '', tlsPrivateKeyFile: '', tlsMinVersion: 'VersionTLS12', tlsReloadIntervalMs: 60_000, clientCAFile: '',
    allowPaths: [], ignorePaths: [], authHeaderFieldsEnabled: false, authHeaderUserFieldName: 'x-remote-user',
    authHeaderGroupsFieldName: 'x-remote-groups', authHeaderGroupsFieldSeparator: '|', authTokenAudiences: [], kubeconfig: '',
    proxyEndpointsPort: 0, verbosity: 0, help: false, version: false, removedFlagsGiven: [],
  };
}

export type ParseResult = { ok: true; options: ProxyOptions } | { ok: false; error: string };

export function parseFlags(args: readonly string[]): ParseResult {
  const o = defaultOptions();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      if (!(name in FLAGS)) return { ok: false, error: `unknown flag: --${name}` };
    } else {
      const short = arg[1]!;
      if (!(short in SHORTHANDS)) return { ok: false, error: `unknown shorthand flag: '${short}' in ${arg}` };
      name = SHORTHANDS[short]!;
      const rest = arg.slice(2);
      inline = rest === '' ? undefined : rest.startsWith('=') ? rest.slice(1) : rest;
    }
    const spec = FLAGS[name]!;
    const shown = arg.startsWith('--') ? `--${name}` : `-${arg[1]}, --${name}`;
    let value: string;
    if (inline !== undefined) value = inline;
    else if (spec.kind === 'bool' || name === 'version') value = 'true';
    else if (i + 1 < args.length) value = args[++i]!;
    else return { ok: false, error: `flag needs an argument: ${shown}` };
    const problem = checkValue(spec.kind, value);
    if (problem) return { ok: false, error: `invalid argument "${value}" for "${shown}" flag: ${problem}` };
    spec.set?.(o, spec.kind === 'bool' ? String(parseGoBool(value)) : value);
  }
  if (positional.some((p) => p.length > 0)) return { ok: false, error: `"kube-rbac-proxy" does not take any arguments, got ${goStringList(positional)}` };
  return { ok: true, options: o };
}

/** Upstream's Validate(): the checks that refuse to start. */
export function validateOptions(o: ProxyOptions, isValidPattern: (p: string) => boolean): string[] {
  const errors: string[] = [];
  if (o.allowPaths.length > 0 && o.ignorePaths.length > 0) errors.push('cannot use --allow-paths and --ignore-paths together');
  for (const p of o.allowPaths) if (!isValidPattern(p)) errors.push(`failed to verify allow path: ${p}`);
  for (const p of o.ignorePaths) if (!isValidPattern(p)) errors.push(`failed to verify ignored path: ${p}`);
  return errors;
}

function checkValue(kind: Kind, value: string): string | undefined {
  switch (kind) {
    case 'bool': return parseGoBool(value) === undefined ? `strconv.ParseBool: parsing "${value}": invalid syntax` : undefined;
    case 'int': return /^[+-]?\d+$/.test(value) ? undefined : `strconv.ParseInt: parsing "${value}": invalid syntax`;
    case 'float': return value !== '' && Number.isFinite(Number(value)) ? undefined : `strconv.ParseFloat: parsing "${value}": invalid syntax`;
    case 'duration': return parseGoDuration(value) === undefined ? `time: invalid duration "${value}"` : undefined;
    default: return undefined;
  }
}

function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration ("1m30s", "500ms", "0"), in milliseconds. */
export function parseGoDuration(value: string): number | undefined {
  if (value === '0') return 0;
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(value);
  if (!m) return undefined;
  let total = 0;
  for (const part of value.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) total += Number(part[1]) * DURATION_UNITS[part[2]!]!;
  return m[1] === '-' ? -total : total;
}

/** pflag's StringSlice reads its value as one CSV record. */
function splitList(value: string): string[] {
  return value === '' ? [] : value.split(',');
}

const goStringList = (items: readonly string[]) => `[${items.map((s) => JSON.stringify(s)).join(' ')}]`;
