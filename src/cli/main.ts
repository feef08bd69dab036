// `vnet`: the command line over the same engine as the extension. Argument parsing and printing only.

import { createInterface } from 'node:readline/promises';
import { describeError, isVnetError } from '../model/errors';
import type { CliCommand, CliIo } from './command';
import { EXIT, exitCodeFor } from './exit-codes';
import { commands } from './commands';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['Usage: vnet <command> [options]', '', 'Commands:', ...lines, '', 'Run "vnet help <command>" for its options.'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  const io: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    prompt: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try { return await rl.question(question); } finally { rl.close(); }
    },
    signal: controller.signal,
  };
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const command = rest[0] ? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout(`${command ? `Usage: ${command.usage}\n\n${command.summary}` : usage()}\n`);
    return EXIT.ok;
  }
  if (name === '--version') {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command: CliCommand | undefined = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`vnet: unknown command "${name}".\n${usage()}\n`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.stderr(`vnet ${name}: ${describeError(error)}\n`);
    return isVnetError(error) ? exitCodeFor(error.code) : EXIT.failure;
  }
}

declare const VERSION: string;

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => { process.stderr.write(`vnet: ${describeError(error)}\n`); process.exitCode = EXIT.failure; },
);
