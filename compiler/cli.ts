// fraise-compile: dispatches to the commands (compile, introspect, check, serve); each parses its own
// flags, reads the configuration, and returns the exit code.
import { checkCommand } from './cli/checkCommand.js';
import { compileCommand } from './cli/compileCommand.js';
import { introspectCommand } from './cli/introspectCommand.js';
import type { Streams } from './cli/report.js';
import { CompileFailure } from './diagnostics.js';

export async function main(argv: readonly string[], io: Streams = process, cwd = process.cwd()): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'introspect':
      return introspectCommand(rest, io, cwd);
    case 'check':
      return checkCommand(rest, io, cwd);
    case 'serve':
      return (await import('./serve.js')).serve(rest);
    case 'compile':
      return compileCommand(rest, io, cwd);
    default:
      return compileCommand(argv, io, cwd);
  }
}

export { CompileFailure };
