/**
 * The `skiff` command line: builds the commands, runs one, and turns every outcome into an
 * exit code. 0 success; 1 any error (message `error: <message> [<code>]` and a hint on
 * stderr) or, for `status`, an unhealthy instance.
 */
import { Command, CommanderError } from '@commander-js/extra-typings';
import { SkiffError } from '../errors/skiff-error.ts';
import { checkCommand } from './commands/check.ts';
import { downCommand } from './commands/down.ts';
import { kubeconfigCommand } from './commands/kubeconfig.ts';
import { statusCommand } from './commands/status.ts';
import { upCommand } from './commands/up.ts';
import { versionCommand } from './commands/version.ts';
import type { CliContext } from './context.ts';
import { OUTPUT_FORMATS, type OutputFormat } from './options.ts';
import { asSkiffError, printError } from './output.ts';
import { SKIFF_VERSION } from '../server/version.ts';

export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  let exitCode = 0;
  let format: OutputFormat = 'text';
  const done = (code: number): void => { exitCode = code; };

  const program = new Command('skiff')
    .description('Knative Serving and Eventing on an Istio/Maistra-style service mesh, on one machine, driven by kubectl.')
    .version(SKIFF_VERSION, '-V, --version', 'print the client version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
      // Commander's own messages are reprinted in skiff's error format below.
      outputError: () => undefined,
    })
    .hook('preAction', (_program, action) => {
      const output = action.opts().output;
      if (typeof output === 'string' && (OUTPUT_FORMATS as readonly string[]).includes(output)) format = output as OutputFormat;
    });
  for (const command of [upCommand(ctx, done), statusCommand(ctx, done), kubeconfigCommand(ctx, done), downCommand(ctx, done), versionCommand(ctx, done), checkCommand(ctx, done)]) {
    program.addCommand(command.copyInheritedSettings(program));
  }

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExit(ctx, error);
    printError(ctx, asSkiffError(error), format);
    return 1;
  }
}

/** Help and --version end parsing with exit code 0; everything else is a usage error. */
function commanderExit(ctx: CliContext, error: CommanderError): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
    return error.exitCode;
  }
  const message = error.message.replace(/^error: /, '').replaceAll('\n', ' ');
  printError(ctx, new SkiffError('SKF_CLI_BAD_ARGUMENT', message));
  return 1;
}
