/**
 * Request bodies: read with a size limit (413 past 3 MiB, as kube-apiserver's
 * MaxRequestBodyBytes), then decode by Content-Type: JSON, YAML (apply patches), or
 * Kubernetes protobuf (kubectl 1.32's typed clients send it for `create secret` & co.).
 */
import type { IncomingMessage } from 'node:http';
import { parseDocument } from 'yaml';
import { SkiffError } from '../../errors/skiff-error.ts';
import { decodeKubernetesProtobuf } from '../protobuf/index.ts';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw tooLarge(limit);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): SkiffError {
  return new SkiffError('SKF_API_BODY_TOO_LARGE', `the request body is larger than the limit of ${limit} bytes (3 MiB); objects must stay small enough for the store (1.5 MiB)`);
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Decodes a JSON or protobuf body into a value; YAML for apply patches. */
export function decodeBody(buf: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (type === 'application/vnd.kubernetes.protobuf') return decodeKubernetesProtobuf(buf);
  const text = buf.toString('utf8');
  if (type === 'application/apply-patch+yaml' || type === 'application/yaml') return parseYaml(text);
  return parseJson(text);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SkiffError('SKF_API_MALFORMED_BODY', `couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

function parseYaml(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    throw new SkiffError('SKF_API_MALFORMED_BODY', `error converting YAML to JSON: ${first.message.split('\n')[0]}`);
  }
  return doc.toJS();
}
