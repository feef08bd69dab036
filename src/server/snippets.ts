// The snippets of the language, with the blocks they belong in. Completion offers those of the cursor's
// block; syntaxes/vnet.snippets.json holds the same snippets for VS Code (a unit test keeps them equal).

import type { BlockContext } from '../language/keywords';

export interface Snippet {
  name: string;
  prefix: string;
  body: string[];
  description: string;
  contexts: BlockContext[];
}

export const SNIPPETS: Snippet[] = [
  {
    name: 'lab', prefix: 'lab', contexts: ['top'],
    body: ['lab ${1:name}', '', '$0'],
    description: 'Name the lab (the mark on everything apply creates).',
  },
  {
    name: 'namespace block', prefix: 'namespace', contexts: ['top', 'machine'],
    body: ['namespace ${1:ns1} {', '\taddress ${2:veth-ns1} ${3:192.168.1.2/24}', '\troute default via ${4:192.168.1.1}', '}', '$0'],
    description: 'A namespace with an address and a default route.',
  },
  {
    name: 'host block', prefix: 'host', contexts: ['top', 'machine'],
    body: ['host {', '\tforwarding on', '\t$0', '}'],
    description: "The host's root namespace.",
  },
  {
    name: 'veth pair', prefix: 'veth', contexts: ['top', 'machine'],
    body: ['veth ${1:ns1}:${2:veth-ns1} -- ${3:br0}:${4:veth-ns1-br}$0'],
    description: 'A veth pair between two places (host, a namespace, or a bridge port).',
  },
  {
    name: 'machine block', prefix: 'machine', contexts: ['top'],
    body: ['machine ${1:a} ssh ${2:root@10.0.2.15} {', '\thost {', '\t\tforwarding on', '\t}', '\t$0', '}'],
    description: 'One host of a lab that spans several hosts.',
  },
  {
    name: 'bridge block', prefix: 'bridge', contexts: ['place'],
    body: ['bridge ${1:br0} { address ${2:192.168.1.1/24} }$0'],
    description: 'A bridge with an address (the gateway of its ports).',
  },
  {
    name: 'dummy block', prefix: 'dummy', contexts: ['place'],
    body: ['dummy ${1:dummy0} { address ${2:10.255.0.1/32} }$0'],
    description: 'A dummy interface with an address (a stable address of the namespace, on no link).',
  },
  {
    name: 'default route', prefix: 'route', contexts: ['place'],
    body: ['route default via ${1:192.168.1.1}$0'],
    description: 'A default route via a gateway.',
  },
  {
    name: 'masquerade', prefix: 'nat masquerade', contexts: ['place'],
    body: ['nat masquerade src ${1:192.168.1.0/24} not-out ${2:br0}$0'],
    description: 'Masquerade a subnet leaving by any interface but the bridge.',
  },
  {
    name: 'port forward', prefix: 'nat dnat', contexts: ['place'],
    body: ['nat dnat ${1|tcp,udp|} ${2:8080} to ${3:ns1}:${4:80} not-in ${5:br0}$0'],
    description: 'Publish a port of a namespace on the host (DNAT).',
  },
  {
    name: 'nat chain', prefix: 'nat chain', contexts: ['place'],
    body: ['nat chain ${1:chain-ns1} {', '\taccept dst ${2:10.85.0.0/16}', '\tmasquerade not-dst 224.0.0.0/4', '}', 'nat jump ${1:chain-ns1} src ${3:10.85.0.254}$0'],
    description: 'A user chain with its jump (the CNI pattern).',
  },
  {
    name: 'expect', prefix: 'expect', contexts: ['top'],
    body: ['expect ${1:ns1} ${2|reaches,does not reach|} ${3:ns2}$0'],
    description: 'What must (or must not) reach what; checked as you type, and live by vnet test.',
  },
];

/** The snippets in VS Code's snippet-file format. */
export function vscodeSnippets(): Record<string, { prefix: string; body: string[]; description: string }> {
  return Object.fromEntries(SNIPPETS.map((s) => [s.name, { prefix: s.prefix, body: s.body, description: s.description }]));
}
