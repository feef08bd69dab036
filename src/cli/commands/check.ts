// `vnet check FILE…`: the language's diagnostics for scripts and CI, one per line as
// `file:line:col: severity: message [code]` (1-based), exit 1 when any is an error.

import { readFile } from 'node:fs/promises';
import { compileVnet } from '../../language/index';
import { VnetError } from '../../model/errors';
import { parseArgs } from '../args';
import type { CliCommand } from '../command';
import { EXIT } from '../exit-codes';

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'Check .vnet files: print file:line:col: severity: message [code], exit 1 on errors (--quiet: print errors only).',
  usage: 'vnet check FILE… [--quiet]',
  async run(argv, io) {
    const args = parseArgs(argv, { quiet: {} });
    if (args.positionals.length === 0) {
      throw new VnetError('VN-USAGE-ARGS', 'Name the .vnet files to check, e.g. `vnet check lab.vnet`.');
    }
    const quiet = args.booleans.has('quiet');
    const counts = { error: 0, warning: 0, info: 0 };
    for (const file of args.positionals) {
      if (io.signal.aborted) break;
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
        io.stdout(`${file}:1:1: error: cannot read the file (${reason}). Check the path. [VN-CHECK-READ]\n`);
        counts.error++;
        continue;
      }
      for (const d of compileVnet(text).diagnostics) {
        counts[d.severity]++;
        if (quiet && d.severity !== 'error') continue;
        io.stdout(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message} [${d.code}]\n`);
      }
    }
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    io.stderr(`${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.info, 'note')} in ${plural(args.positionals.length, 'file')}.\n`);
    return counts.error > 0 ? EXIT.failure : EXIT.ok;
  },
};
