/**
 * Runs the serving benchmark alone: `node --import tsx bench/serving-main.ts` (what
 * `SKIFF_BENCH_ONLY=serving npm run bench` runs once bench/run.ts dispatches to it).
 * SKIFF_BENCH_SECONDS sets the measured seconds of each wrk run (default 8).
 */
import { formatServingReport } from './serving-report.ts';
import { measureServing } from './serving-bench.ts';

const seconds = Number(process.env.SKIFF_BENCH_SECONDS ?? 8);
const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

const started = performance.now();
measureServing(seconds, progress).then((results) => {
  process.stdout.write(`\n${formatServingReport(results)}`);
  progress(`done in ${Math.round((performance.now() - started) / 1000)} s`);
}).catch((error: unknown) => {
  progress(`failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
});
