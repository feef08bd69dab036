// Which host each part of a network is checked live on (`vnet trace --live`, `vnet test`): a live host's
// own transport; for a .vnet file, --host for a single machine (or its `ssh` target in the file), and each
// machine's `ssh` target in a lab of several. Never this machine by default: live traffic goes only where
// the user said.

import type { LiveHost } from '../host/live-check';
import { VnetError } from '../model/errors';
import type { Lab, Topology } from '../model/topology';
import { flagValue, type ParsedArgs } from './args';
import { reachLab } from './commands/plan';
import { transportFromArgs } from './host-options';

/** The live hosts of a file's network (or a saved state); a usage error names what is missing. */
export function liveHostsOf(network: Topology | Lab, args: ParsedArgs, file: string): LiveHost[] {
  const given = flagValue(args, 'host');
  if ('namespaces' in network) {
    if (given === undefined) {
      throw new VnetError('VN-USAGE-LIVE', `A live check of ${file} needs the host to send on: add --host TARGET (local for this machine).`);
    }
    return [{ name: network.host, topology: network, transport: transportFromArgs(args) }];
  }
  if (network.hosts.length === 1 && given === undefined && !network.hosts[0].target) {
    throw new VnetError('VN-USAGE-LIVE', `A live check of ${file} needs the host the lab runs on: add --host TARGET (local for this machine), or write "machine NAME ssh TARGET" in the file.`);
  }
  return reachLab(network, args, (host) => host.topology).targets.map((target) => ({
    name: target.name, topology: target.desired, transport: target.transport,
  }));
}
