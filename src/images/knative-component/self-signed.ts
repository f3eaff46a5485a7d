/**
 * A throwaway self-signed certificate for the webhooks' HTTPS port. Upstream's webhooks sign
 * their own certificate too (knative.dev/pkg webhook/certificates); the kubelet's HTTPS
 * probes do not verify it. Built with a few lines of DER over node:crypto because built-in
 * programs import nothing of skiff (whose PKI uses @peculiar/x509 behind a Reflect shim).
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/** DER: tag, definite length, contents. */
function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const sequence = (...parts: Buffer[]) => der(0x30, ...parts);
const set = (...parts: Buffer[]) => der(0x31, ...parts);

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * a! + b!];
  for (const value of rest) {
    const chunk = [value & 0x7f];
    for (let v = value >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

/** UTCTime, YYMMDDHHMMSSZ (valid for 1950–2049, which covers these certificates). */
function utcTime(date: Date): Buffer {
  const iso = date.toISOString();
  return der(0x17, Buffer.from(`${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`, 'ascii'));
}

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
const SUBJECT_ALT_NAME = '2.5.29.17';

/**
 * An ECDSA P-256 certificate for `commonName` (also its DNS SAN), valid for `days` from now.
 * `serialSeed` is 16 random bytes unless a test pins them.
 */
export function selfSignedCertificate(commonName: string, days = 365, now = new Date(), serialSeed = randomBytes(16)): { certPem: string; keyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const name = sequence(set(sequence(oid(COMMON_NAME), der(0x0c, Buffer.from(commonName, 'utf8')))));
  const algorithm = sequence(oid(ECDSA_WITH_SHA256));
  const serial = Buffer.from(serialSeed);
  // DER INTEGERs are minimal and these are positive: a first byte of 1..0x7f is both. Only
  // clearing the top bit left a leading 0x00 one time in 128, which OpenSSL refuses
  // ("illegal padding") when the next byte is below 0x80.
  serial[0] = (serial[0]! % 0x7f) + 1;
  const san = sequence(oid(SUBJECT_ALT_NAME), der(0x04, sequence(der(0x82, Buffer.from(commonName, 'ascii')))));
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))), // version v3
    der(0x02, serial),
    algorithm,
    name,
    sequence(utcTime(new Date(now.getTime() - 60_000)), utcTime(new Date(now.getTime() + days * 86_400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    der(0xa3, sequence(san)),
  );
  const signature = sign('sha256', tbs, privateKey);
  const cert = sequence(tbs, algorithm, der(0x03, Buffer.from([0]), signature));
  const lines = cert.toString('base64').match(/.{1,64}/g)!.join('\n');
  return {
    certPem: `-----BEGIN CERTIFICATE-----\n${lines}\n-----END CERTIFICATE-----\n`,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
