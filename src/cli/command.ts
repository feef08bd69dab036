// The shape every `vnet` sub-command has: one file per command under src/cli/commands.

import type { ParsedArgs } from './args';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdin and stdout are a terminal (prompts are only shown then). */
  interactive: boolean;
  /** Reads one line from the user; only called when interactive. */
  prompt: (question: string) => Promise<string>;
  signal: AbortSignal;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** `--help` on any command prints its usage; true when it did. */
export function printHelpIfAsked(args: ParsedArgs, command: CliCommand, io: CliIo): boolean {
  if (!args.booleans.has('help')) return false;
  io.stdout(`Usage: ${command.usage}\n`);
  return true;
}
