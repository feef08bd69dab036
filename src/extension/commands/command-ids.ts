// Every command the extension contributes. activate() registers each id with a handler that loads the
// command code on first use, so this list is all it needs at start-up. package.json's `contributes.commands`
// holds the same ids (a unit test keeps the two in step).

export const COMMAND_IDS = [
  'vnet.refresh',
  'vnet.addHost',
  'vnet.removeHost',
  'vnet.retryHost',
  'vnet.showLog',
  'vnet.selectActiveHost',
  'vnet.addNamespace',
  'vnet.removeNamespace',
  'vnet.addVethPair',
  'vnet.removeVethPair',
  'vnet.addBridge',
  'vnet.removeBridge',
  'vnet.removeInterface',
  'vnet.addAddress',
  'vnet.removeAddress',
  'vnet.addRoute',
  'vnet.removeRoute',
  'vnet.addMasquerade',
  'vnet.addPortForward',
  'vnet.removeNatRule',
  'vnet.toggleForwarding',
  'vnet.toggleInterfaceState',
  'vnet.openShell',
  'vnet.ping',
  'vnet.capture',
  'vnet.showTopology',
  'vnet.showDrift',
  'vnet.compareWithFile',
  'vnet.plan',
  'vnet.apply',
  'vnet.destroy',
  'vnet.exportHost',
  'vnet.copyName',
  'vnet.copyAddress',
  'vnet.testLab',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];
