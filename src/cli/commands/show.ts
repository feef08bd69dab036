// `vnet show`: the live network state of a host, as a tree or as JSON (docs/state-json.md).

import { VnetError } from '../../model/errors';
import { renderTopologyTree } from '../../model/topology-tree';
import { probeHost } from '../../host/probe';
import { parseArgs } from '../args';
import { printHelpIfAsked, type CliCommand } from '../command';
import { EXIT } from '../exit-codes';
import { callTimeoutMs, hostArgsFrom, HOST_FLAGS, HOST_HELP, HOST_USAGE, transportFromArgs } from '../host-options';

export const showCommand: CliCommand = {
  name: 'show',
  summary: 'Show the live namespaces, interfaces, routes and NAT of a host',
  usage: `vnet show ${HOST_USAGE} [--json]\n\n${HOST_HELP}\n  --json                  print the state as JSON (schema vnet.state/1, see docs/state-json.md)`,
  async run(argv, io) {
    const args = parseArgs(argv, { ...HOST_FLAGS, json: {}, help: {} });
    if (printHelpIfAsked(args, showCommand, io)) return EXIT.ok;
    if (args.positionals.length) {
      throw new VnetError('VN-USAGE-ARGS', `vnet show takes no arguments ("${args.positionals[0]}"); name the host with --host.`);
    }
    const host = hostArgsFrom(args);
    const transport = transportFromArgs(args);
    const topology = await probeHost(transport, { signal: io.signal, timeoutMs: callTimeoutMs(host) });
    if (args.booleans.has('json')) {
      io.stdout(`${JSON.stringify(topology, null, 2)}\n`);
      for (const warning of topology.warnings ?? []) io.stderr(`vnet show: warning: ${warning}\n`);
    } else {
      io.stdout(renderTopologyTree(topology));
    }
    return EXIT.ok;
  },
};
