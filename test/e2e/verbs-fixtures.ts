/**
 * Shared fixtures of the verbs suites (test/e2e/verbs-*.test.ts): a user CRD with a
 * category, a short name and printer columns, a scratch directory for manifests, and the
 * request lines kubectl logs at -v=8 (how a suite sees which patch type kubectl chose), and a
 * kubectl run observed while it runs (to act only once a `kubectl wait` is watching).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Kubectl, KubectlResult } from '../support/kubectl.ts';

export const GADGET_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.verbs.example.com
spec:
  group: verbs.example.com
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget, shortNames: [gd], categories: [all]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Color, type: string, jsonPath: .spec.color, priority: 1}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer, minimum: 1}
              color: {type: string}
              tags: {type: array, items: {type: string}}
          status:
            type: object
            properties:
              conditions:
                type: array
                items:
                  type: object
                  properties:
                    type: {type: string}
                    status: {type: string}
`;

/** Applies the Gadget CRD and waits until it is Established (served). */
export async function installGadgetCrd(kubectl: Kubectl): Promise<void> {
  await kubectl.ok(['apply', '-f', '-'], { stdin: GADGET_CRD });
  await kubectl.ok(['wait', '--for=condition=Established', '--timeout=30s', 'crd/gadgets.verbs.example.com']);
}

export interface Scratch {
  readonly dir: string;
  /** Writes `content` to `dir/relative` (creating folders) and returns the absolute path. */
  file(relative: string, content: string | Uint8Array): string;
  remove(): void;
}

export function scratchDir(prefix: string): Scratch {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file(relative, content) {
      const path = join(dir, relative);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The `Content-Type` of each request with `verb` in kubectl's -v=8 log, in order: the log
 * prints the request line, then the request headers.
 */
export function requestContentTypes(verboseLog: string, verb: 'POST' | 'PUT' | 'PATCH'): string[] {
  const types: string[] = [];
  let inRequest = false;
  for (const line of verboseLog.split('\n')) {
    if (line.includes(`] ${verb} https://`)) inRequest = true;
    const m = /\] {5}Content-Type: (\S+)/.exec(line);
    if (inRequest && m) {
      types.push(m[1]!);
      inRequest = false;
    }
  }
  return types;
}

export interface WatchingKubectl {
  /** Resolves once kubectl has opened its watch: a change made after this is seen by it. */
  watching: Promise<void>;
  /** kubectl's exit, with its own -v=6 log lines removed from stderr. */
  result: Promise<KubectlResult>;
}

/**
 * Starts a kubectl command that watches (e.g. `kubectl wait`) with -v=6, so the test can
 * tell when its watch request has been answered instead of guessing with a sleep.
 */
export function startWatchingKubectl(kubectl: Kubectl, args: string[]): WatchingKubectl {
  const child = spawn('kubectl', [...args, '-v=6'], {
    env: { ...process.env, KUBECONFIG: kubectl.kubeconfig, KUBECACHEDIR: mkdtempSync(join(tmpdir(), 'skiff-kubecache-')) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markWatching: () => void = () => undefined;
  const watching = new Promise<void>((resolve) => (markWatching = resolve));
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (/ GET https:\/\/\S+[?&]watch=true\S* 200 OK/.test(stderr)) markWatching();
  });
  const result = new Promise<KubectlResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      markWatching(); // a command that ended without watching must not leave the test hanging
      const own = stderr.split('\n').filter((line) => !/^[IWE]\d{4} /.test(line)).join('\n');
      resolve({ code: code ?? -1, stdout, stderr: own });
    });
  });
  return { watching, result };
}
