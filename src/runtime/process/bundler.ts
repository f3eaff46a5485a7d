/**
 * Turns the runtime's helper programs and skiff's built-in images (TypeScript) into
 * single-file ES modules that plain `node` runs: loading TypeScript through tsx would cost
 * ~300 ms and ~40 MB per container. esbuild (the transpiler tsx itself is built on) bundles
 * each entry point with its imports; the output lands in `<runtimeDir>/bin/`.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BUILTIN_PROGRAMS, type BuiltinProgram } from '../images/catalog.ts';

const SRC = fileURLToPath(new URL('../../', import.meta.url));

/**
 * CommonJS packages bundled into an ES module (prom-client) still call `require` for Node's
 * built-ins; esbuild's ESM output has no `require`, so each bundle gets a real one.
 */
const CJS_REQUIRE_SHIM = "import { createRequire as __skiffCreateRequire } from 'node:module'; const require = __skiffCreateRequire(import.meta.url);";

export interface RuntimePrograms {
  zygote: string;
  imageHost: string;
  watchdog: string;
  images: Record<BuiltinProgram, string>;
  /** sha256 of each image bundle, for imageID. */
  imageDigests: Record<BuiltinProgram, string>;
}

export async function bundleRuntimePrograms(binDir: string): Promise<RuntimePrograms> {
  await mkdir(binDir, { recursive: true });
  const entries: Array<[string, string]> = [
    ['zygote', join(SRC, 'runtime/process/zygote-main.ts')],
    ['watchdog', join(SRC, 'runtime/process/watchdog-main.ts')],
    ['image-host', join(SRC, 'runtime/process/image-host-main.ts')],
    ...BUILTIN_PROGRAMS.map((p): [string, string] => [p, join(SRC, `images/${p}/main.ts`)]),
  ];
  const outputs = new Map<string, { path: string; digest: string }>();
  await Promise.all(entries.map(async ([name, entry]) => {
    const outfile = join(binDir, `${name}.mjs`);
    const result = await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', write: false, logLevel: 'silent', legalComments: 'none', banner: { js: CJS_REQUIRE_SHIM } });
    const code = result.outputFiles[0]!.contents;
    const digest = createHash('sha256').update(code).digest('hex');
    const existing = await readFile(outfile).catch(() => undefined);
    if (!existing || !existing.equals(code)) {
      // Write-then-rename: a zygote importing the file never sees half of it.
      await mkdir(dirname(outfile), { recursive: true });
      await writeFile(`${outfile}.tmp`, code);
      await rename(`${outfile}.tmp`, outfile);
    }
    outputs.set(name, { path: outfile, digest: `sha256:${digest}` });
  }));
  const images = {} as Record<BuiltinProgram, string>;
  const imageDigests = {} as Record<BuiltinProgram, string>;
  for (const p of BUILTIN_PROGRAMS) {
    images[p] = outputs.get(p)!.path;
    imageDigests[p] = outputs.get(p)!.digest;
  }
  return { zygote: outputs.get('zygote')!.path, imageHost: outputs.get('image-host')!.path, watchdog: outputs.get('watchdog')!.path, images, imageDigests };
}
