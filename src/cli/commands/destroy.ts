// `vnet destroy FILE` (or `--lab NAME`): remove everything a lab owns from its hosts, and nothing else.
// Namespaces, interfaces, routes, chains and NAT rules someone else made stay; the forwarding switch and
// FORWARD policy go back to what they were before the lab changed them.

import { VnetError } from '../../model/errors';
import { checkLabName } from '../../model/names';
import { DEFAULT_MACHINE, emptyTopology, type Lab } from '../../model/topology';
import { LOCAL_TARGET } from '../../host/ssh-destination';
import { flagValue, parseArgs } from '../args';
import { printHelpIfAsked, type CliCommand } from '../command';
import { EXIT } from '../exit-codes';
import { HOST_HELP, HOST_USAGE } from '../host-options';
import { loadLab, nothing, reachLab } from './plan';
import { RUN_EXIT_HELP, RUN_FLAGS, runConverge } from './apply';

export const destroyCommand: CliCommand = {
  name: 'destroy',
  summary: 'Remove what a lab created from its host(s), and nothing else',
  usage: `vnet destroy FILE ${HOST_USAGE} [--yes] [--lock-wait SECONDS] [--json]\n`
    + `vnet destroy --lab NAME ${HOST_USAGE} [--yes] [--json]\n\n${HOST_HELP}\n`
    + '  --lab NAME              destroy lab NAME on --host without its file\n'
    + '  --yes                   do not ask before changing the host\n'
    + '  --lock-wait SECONDS     how long to wait for another apply or destroy on the same host (default 300)\n'
    + `  --json                  print the plan and the outcome as JSON (schema vnet.plan/1)\n\n${RUN_EXIT_HELP}`,
  async run(argv, io) {
    const args = parseArgs(argv, { ...RUN_FLAGS, lab: { value: true } });
    if (printHelpIfAsked(args, destroyCommand, io)) return EXIT.ok;
    if (args.flags.has('adopt')) throw new VnetError('VN-USAGE-FLAG', 'destroy takes no --adopt: it removes only what the lab owns.');
    const labName = flagValue(args, 'lab');
    let lab: Lab;
    if (labName !== undefined) {
      if (args.positionals.length) throw new VnetError('VN-USAGE-ARGS', 'Give either a .vnet file or --lab NAME, not both.');
      const problem = checkLabName(labName);
      if (problem) throw new VnetError('VN-USAGE-LAB', problem.message);
      const target = flagValue(args, 'host') ?? LOCAL_TARGET;
      lab = { name: labName, hosts: [{ name: DEFAULT_MACHINE, target, topology: emptyTopology(target) }] };
    } else {
      if (args.positionals.length !== 1) {
        throw new VnetError('VN-USAGE-ARGS', 'Name the lab\'s .vnet file (`vnet destroy lab.vnet`), or the lab with --lab NAME.');
      }
      lab = await loadLab(args.positionals[0], io);
    }
    return runConverge('destroy', args, io, reachLab(lab, args, nothing), lab.name);
  },
};
