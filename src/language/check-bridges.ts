// Bridges: one with no port or a single port is almost always half-built, and an address on a port is
// never reachable (the bridge takes the port's frames), so it belongs on the bridge.

import type { CheckContext } from './check-context';
import { formatName } from './quote';

export function checkBridges(context: CheckContext): void {
  for (const { machine } of context.facts) {
    for (const place of machine.places.values()) {
      for (const bridge of place.order) {
        if (bridge.kind !== 'bridge' || !bridge.nameNode) continue;
        const name = formatName(bridge.name);
        if (bridge.ports.length === 0) {
          context.report(bridge.nameNode.span, 'VN-BRIDGE-EMPTY',
            `Bridge ${bridge.name} has no ports. Attach veth ends with \`veth ${name}:PORT -- NAMESPACE:IFNAME\`, or remove the bridge.`);
        } else if (bridge.ports.length === 1) {
          context.report(bridge.nameNode.span, 'VN-BRIDGE-ONE-PORT',
            `Bridge ${bridge.name} has one port (${bridge.ports[0].name}). A bridge joins two or more; add another \`veth ${name}:PORT -- …\`, or link the two sides with a veth pair alone.`);
        }
        for (const port of bridge.ports) {
          for (const address of port.addresses) {
            context.report(address.node.span, 'VN-BRIDGE-PORT-ADDRESS',
              `${port.name} is a port of bridge ${bridge.name}, so an address on it is never reached. Put ${address.node.text} on the bridge (\`bridge ${name} { address ${address.node.text} }\`).`);
          }
        }
      }
    }
  }
}
