// `vnet export`: write a .vnet file that reproduces a host's live network (or what one lab owns there), so
// that a network built by hand with ip and iptables can be captured as code.

import { writeFile } from 'node:fs/promises';
import { VnetError } from '../../model/errors';
import { checkLabName } from '../../model/names';
import { readSnapshot } from '../../engine/snapshot';
import { exportText } from '../../plan/export';
import { flagValue, parseArgs } from '../args';
import { printHelpIfAsked, type CliCommand } from '../command';
import { EXIT } from '../exit-codes';
import { HOST_FLAGS, HOST_HELP, HOST_USAGE, transportFromArgs } from '../host-options';
import { probe } from './plan';

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Write a .vnet file that reproduces the live network of a host',
  usage: `vnet export ${HOST_USAGE} [--lab NAME] [--name NAME] [-o FILE]\n\n${HOST_HELP}\n`
    + '  --lab NAME              export only what lab NAME owns on the host\n'
    + '  --name NAME             the lab name written in the file (default: --lab, else the host\'s name)\n'
    + '  -o, --output FILE       write the file there instead of to standard output',
  async run(argv, io) {
    // `-o FILE` is the one short option, as every tool that writes a file has it.
    const normalized = argv.map((arg) => (arg === '-o' ? '--output' : arg));
    const args = parseArgs(normalized, { ...HOST_FLAGS, lab: { value: true }, name: { value: true }, output: { value: true }, help: {} });
    if (printHelpIfAsked(args, exportCommand, io)) return EXIT.ok;
    if (args.positionals.length) throw new VnetError('VN-USAGE-ARGS', `vnet export takes no arguments ("${args.positionals[0]}"); name the host with --host.`);
    const lab = flagValue(args, 'lab') ?? null;
    const name = flagValue(args, 'name');
    for (const value of [lab, name]) {
      const problem = value === null || value === undefined ? null : checkLabName(value);
      if (problem) throw new VnetError('VN-USAGE-LAB', problem.message);
    }
    // The ssh connection is left to expire by itself: another vnet process may share it.
    const transport = transportFromArgs(args);
    let text: string;
    if (lab) {
      const snapshot = await readSnapshot(transport, lab, probe, io.signal);
      if (snapshot.stateText === null && !snapshot.live.namespaces.some((ns) => ns.interfaces.some((i) => i.owner === lab) || ns.nat.some((r) => r.owner === lab))) {
        throw new VnetError('VN-EXPORT-NO-LAB', `Lab ${lab} owns nothing on "${transport.target}". Check the name (vnet show lists the owners).`);
      }
      text = exportText(snapshot.live, { lab, state: snapshot.state, name });
    } else {
      text = exportText((await probe(transport, { signal: io.signal })).topology, { name });
    }
    const output = flagValue(args, 'output');
    if (output && output !== '-') {
      await writeFile(output, text, 'utf8');
      io.stderr(`Wrote ${output}.\n`);
    } else {
      io.stdout(text);
    }
    return EXIT.ok;
  },
};
