/**
 * DestinationRule traffic policies (istiod's validateTrafficPolicy and the checks it calls):
 * outlier detection, connection pools, load balancing incl. locality failover, client TLS
 * and per-port settings. Simple vs consistent-hash exclusivity is a `oneOf` in the schema.
 */
import { fieldErr } from '../../field-error.ts';
import { asArray, asNumber, asRecord, asString } from '../fields.ts';
import type { Fields } from '../fields.ts';
import type { Findings } from '../findings.ts';
import { validateDuration } from './names.ts';

function checkDurations(path: string, owner: Fields, keys: readonly string[], found: Findings): void {
  for (const k of keys) {
    const problem = validateDuration(owner[k]);
    if (problem) found.errors.push(fieldErr.invalid(`${path}.${k}`, owner[k], problem));
  }
}

function checkPercent(path: string, value: unknown, found: Findings): void {
  const n = asNumber(value);
  if (n !== undefined && (n < 0 || n > 100)) found.errors.push(fieldErr.invalid(path, n, `percentage ${n} is not in range 0..100`));
}

function checkOutlierDetection(path: string, outlier: Fields, found: Findings): void {
  checkDurations(path, outlier, ['baseEjectionTime', 'interval'], found);
  if ((asNumber(outlier.consecutiveErrors) ?? 0) !== 0) {
    found.warnings.push('outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead');
  }
  if (outlier.splitExternalLocalOriginErrors !== true && (asNumber(outlier.consecutiveLocalOriginFailures) ?? 0) > 0) {
    found.errors.push(fieldErr.invalid(`${path}.consecutiveLocalOriginFailures`, outlier.consecutiveLocalOriginFailures,
      'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false'));
  }
  checkPercent(`${path}.maxEjectionPercent`, outlier.maxEjectionPercent, found);
  checkPercent(`${path}.minHealthPercent`, outlier.minHealthPercent, found);
}

function checkConnectionPool(path: string, pool: Fields, found: Findings): void {
  const http = asRecord(pool.http);
  const tcp = asRecord(pool.tcp);
  if (!http && !tcp) { found.errors.push(fieldErr.required(path, 'connection pool must have at least one field')); return; }
  const nonNegative = (p: string, owner: Fields, keys: Readonly<Record<string, string>>): void => {
    for (const [k, what] of Object.entries(keys)) {
      const n = asNumber(owner[k]);
      if (n !== undefined && n < 0) found.errors.push(fieldErr.invalid(`${p}.${k}`, n, `${what} must be non-negative`));
    }
  };
  if (http) {
    nonNegative(`${path}.http`, http, { http1MaxPendingRequests: 'http1 max pending requests', http2MaxRequests: 'http2 max requests', maxRequestsPerConnection: 'max requests per connection', maxRetries: 'max retries' });
    checkDurations(`${path}.http`, http, ['idleTimeout'], found);
  }
  if (tcp) {
    nonNegative(`${path}.tcp`, tcp, { maxConnections: 'max connections' });
    checkDurations(`${path}.tcp`, tcp, ['connectTimeout', 'maxConnectionDuration'], found);
  }
}

function checkLocalityLb(path: string, lb: Fields, hasOutlier: boolean, found: Findings): void {
  const distribute = asArray(lb.distribute);
  const failover = asArray(lb.failover);
  if (distribute.length > 0 && failover.length > 0) {
    found.errors.push(fieldErr.forbidden(path, "can not simultaneously specify 'distribute' and 'failover'"));
    return;
  }
  distribute.forEach((d, i) => {
    const weights = Object.values(asRecord(asRecord(d)?.to) ?? {}).map((w) => asNumber(w) ?? 0);
    if (weights.some((w) => w <= 0 || w > 100)) found.errors.push(fieldErr.forbidden(`${path}.distribute[${i}].to`, 'locality weight must be in range [1, 100]'));
    else if (weights.reduce((a, b) => a + b, 0) !== 100) found.errors.push(fieldErr.forbidden(`${path}.distribute[${i}].to`, `total locality weight ${weights.reduce((a, b) => a + b, 0)} != 100`));
  });
  if ((failover.length > 0 || asArray(lb.failoverPriority).length > 0) && !hasOutlier) {
    found.warnings.push('outlier detection policy must be provided for failover');
  }
  failover.forEach((f, i) => {
    const from = asString(asRecord(f)?.from) ?? '';
    const to = asString(asRecord(f)?.to) ?? '';
    const at = `${path}.failover[${i}]`;
    if (from === to) found.errors.push(fieldErr.invalid(at, `${from} -> ${to}`, 'locality lb failover settings must specify different regions'));
    if (from.includes('/') || to.includes('/')) found.errors.push(fieldErr.invalid(at, `${from} -> ${to}`, 'locality lb failover only specify region'));
    if (from.includes('*') || to.includes('*')) found.errors.push(fieldErr.invalid(at, `${from} -> ${to}`, "locality lb failover region should not contain '*' wildcard"));
  });
}

function checkClientTls(path: string, tls: Fields, found: Findings): void {
  const mode = asString(tls.mode);
  const has = (k: string): boolean => (asString(tls[k]) ?? '') !== '';
  if ((mode === 'SIMPLE' || mode === 'MUTUAL') && has('credentialName')) {
    if (has('clientCertificate') || has('caCertificates') || has('privateKey')) {
      found.errors.push(fieldErr.forbidden(`${path}.credentialName`, 'cannot specify client certificates or CA certificate If credentialName is set'));
    }
    return;
  }
  if (mode === 'MUTUAL') {
    if (!has('clientCertificate')) found.errors.push(fieldErr.required(`${path}.clientCertificate`, 'client certificate required for mutual tls'));
    if (!has('privateKey')) found.errors.push(fieldErr.required(`${path}.privateKey`, 'private key required for mutual tls'));
  }
}

export function checkTrafficPolicy(path: string, policy: Fields, found: Findings): void {
  const parts = ['outlierDetection', 'connectionPool', 'loadBalancer', 'tls', 'portLevelSettings', 'tunnel'];
  if (!parts.some((p) => policy[p] !== undefined && policy[p] !== null)) {
    found.errors.push(fieldErr.required(path, 'traffic policy must have at least one field'));
    return;
  }
  const outlier = asRecord(policy.outlierDetection);
  if (outlier) checkOutlierDetection(`${path}.outlierDetection`, outlier, found);
  const pool = asRecord(policy.connectionPool);
  if (pool) checkConnectionPool(`${path}.connectionPool`, pool, found);
  const lb = asRecord(policy.loadBalancer);
  const httpCookie = asRecord(asRecord(lb?.consistentHash)?.httpCookie);
  if (httpCookie) {
    if (!asString(httpCookie.name)) found.errors.push(fieldErr.required(`${path}.loadBalancer.consistentHash.httpCookie.name`, 'name required for HttpCookie'));
    if (httpCookie.ttl === undefined) found.errors.push(fieldErr.required(`${path}.loadBalancer.consistentHash.httpCookie.ttl`, 'ttl required for HttpCookie'));
  }
  const locality = asRecord(lb?.localityLbSetting);
  if (locality) checkLocalityLb(`${path}.loadBalancer.localityLbSetting`, locality, outlier !== undefined, found);
  const tls = asRecord(policy.tls);
  if (tls) checkClientTls(`${path}.tls`, tls, found);
  asArray(policy.portLevelSettings).forEach((p, i) => {
    const setting = asRecord(p) ?? {};
    if (!asRecord(setting.port)) found.errors.push(fieldErr.required(`${path}.portLevelSettings[${i}].port`, 'portTrafficPolicy must have valid port'));
    const { port: _port, ...rest } = setting;
    if (Object.keys(rest).length > 0) checkTrafficPolicy(`${path}.portLevelSettings[${i}]`, rest, found);
  });
}
