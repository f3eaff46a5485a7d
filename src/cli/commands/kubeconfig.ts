/**
 * `skiff kubeconfig`: the kubeconfig path, for `export KUBECONFIG=$(skiff kubeconfig)`.
 * The file outlives the instance (its credentials stay valid across restarts), so the path
 * is printed whenever the file exists.
 */
import { Command } from '@commander-js/extra-typings';
import { access } from 'node:fs/promises';
import { SkiffError } from '../../errors/skiff-error.ts';
import { kubeconfigPathOf } from '../../pki/layout.ts';
import type { CliContext } from '../context.ts';
import { inspectInstance } from '../instance.ts';
import { dataDirOption, outputOption, resolveDataDir } from '../options.ts';
import { printData } from '../output.ts';

export function kubeconfigCommand(ctx: CliContext, done: (code: number) => void) {
  return new Command('kubeconfig')
    .description('print the path of the kubeconfig skiff writes for kubectl')
    .addOption(dataDirOption())
    .addOption(outputOption())
    .action(async (flags) => {
      const dataDir = resolveDataDir(flags.dataDir, ctx.env);
      const found = await inspectInstance(dataDir);
      const path = found.state === 'running' ? found.info.kubeconfig : kubeconfigPathOf(dataDir);
      if (!(await exists(path))) {
        throw new SkiffError('SKF_CLI_NOT_RUNNING', `there is no kubeconfig at ${path}: skiff has not been started on ${dataDir}`, { details: { dataDir } });
      }
      printData(ctx, flags.output, { kubeconfig: path }, () => `${path}\n`);
      done(0);
    });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
