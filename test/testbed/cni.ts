// The real CNI plugins (Debian's containernetworking-plugins) called inside a testbed host the way a
// container runtime calls them: for a network configuration list, each plugin in order with CNI_COMMAND=ADD,
// CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME and CNI_PATH in its environment and its configuration on stdin,
// carrying the previous plugin's result as `prevResult` and the runtime's capabilities as `runtimeConfig`
// (libcni's rules); DEL in reverse order with the ADD's result. Debian ships no cnitool, so this is that loop.
//
// host-local keeps its leases under the host's private /run, never in this machine's /var/lib/cni.

import { shellQuote } from '../../src/model/shell';
import { TestbedError, type TestHost } from './testbed';

export const CNI_PATH = '/usr/lib/cni';

/** One plugin's configuration in a list: `type` names the binary; `capabilities` what it takes from the runtime. */
export interface CniPluginConfig {
  type: string;
  capabilities?: Record<string, boolean>;
  [key: string]: unknown;
}

/** A network configuration list (`*.conflist`). */
export interface CniConfList {
  cniVersion: string;
  name: string;
  plugins: CniPluginConfig[];
}

export interface CniPortMapping {
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp';
}

/** What a runtime knows of one attachment: the container, its namespace, the interface to make there. */
export interface CniAttachment {
  containerId: string;
  /** Path of the network namespace, e.g. /run/netns/NAME. */
  netns: string;
  ifname: string;
  /** Runtime capabilities offered to the plugins that ask for them (portmap's `portMappings`). */
  portMappings?: CniPortMapping[];
}

/** The result of the chain, as the last plugin printed it (CNI result 0.4.0/1.0.0). */
export interface CniResult {
  cniVersion: string;
  interfaces?: { name: string; mac?: string; sandbox?: string }[];
  ips?: { address: string; gateway?: string; interface?: number }[];
  routes?: { dst: string; gw?: string }[];
  [key: string]: unknown;
}

/**
 * The chain a Podman 3/4 or containerd host writes for a bridge network: bridge (gateway and masquerade,
 * leases from host-local), portmap for published ports, firewall for CNI-FORWARD.
 */
export function bridgeChain(options: { name: string; bridge: string; subnet: string; leaseDir?: string }): CniConfList {
  return {
    cniVersion: '0.4.0',
    name: options.name,
    plugins: [
      {
        type: 'bridge', bridge: options.bridge, isGateway: true, ipMasq: true, hairpinMode: true,
        ipam: {
          type: 'host-local', ranges: [[{ subnet: options.subnet }]], routes: [{ dst: '0.0.0.0/0' }],
          dataDir: options.leaseDir ?? '/run/vnet-cni/networks',
        },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
      { type: 'firewall', backend: 'iptables' },
    ],
  };
}

/** Runs ADD for every plugin of the list in order; returns the last result. */
export async function cniAdd(host: TestHost, list: CniConfList, attachment: CniAttachment): Promise<CniResult> {
  let previous: CniResult | undefined;
  for (const plugin of list.plugins) {
    const output = await callPlugin(host, 'ADD', pluginConfig(list, plugin, attachment, previous), attachment);
    previous = JSON.parse(output) as CniResult;
  }
  if (!previous) throw new TestbedError('cni: the list has no plugins');
  return previous;
}

/** Runs DEL for every plugin of the list in reverse order, each given the ADD's result. */
export async function cniDel(host: TestHost, list: CniConfList, attachment: CniAttachment, result: CniResult): Promise<void> {
  for (const plugin of [...list.plugins].reverse()) {
    await callPlugin(host, 'DEL', pluginConfig(list, plugin, attachment, result), attachment);
  }
}

/** What libcni hands one plugin: its own config plus the list's name and version, prevResult, runtimeConfig. */
function pluginConfig(list: CniConfList, plugin: CniPluginConfig, attachment: CniAttachment, previous?: CniResult): object {
  const { capabilities, ...own } = plugin;
  const runtimeConfig: Record<string, unknown> = {};
  if (capabilities?.portMappings && attachment.portMappings) runtimeConfig.portMappings = attachment.portMappings;
  return {
    ...own,
    cniVersion: list.cniVersion,
    name: list.name,
    ...(Object.keys(runtimeConfig).length ? { runtimeConfig } : {}),
    ...(previous ? { prevResult: previous } : {}),
  };
}

async function callPlugin(host: TestHost, command: 'ADD' | 'DEL', config: object, attachment: CniAttachment): Promise<string> {
  const type = (config as { type: string }).type;
  if (!/^[a-z0-9-]+$/.test(type)) throw new TestbedError(`cni: bad plugin type "${type}"`);
  const env = {
    CNI_COMMAND: command,
    CNI_CONTAINERID: attachment.containerId,
    CNI_NETNS: attachment.netns,
    CNI_IFNAME: attachment.ifname,
    CNI_PATH,
  };
  const script = [
    `[ -x ${CNI_PATH}/${type} ] || { echo 'cni: ${CNI_PATH}/${type} is missing. Install it with: VNET_WITH_CONTAINERS=1 bash test/setup/install-deps.sh' >&2; exit 1; }`,
    `printf '%s' ${shellQuote(JSON.stringify(config))} | env ${Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ')} ${CNI_PATH}/${type}`,
  ].join('\n');
  const result = await host.sh(script);
  if (result.exitCode !== 0) {
    throw new TestbedError(`cni ${command} ${type} on ${host.name} failed (${result.exitCode}): ${result.stdout.trim()} ${result.stderr.trim()}`);
  }
  return result.stdout;
}
