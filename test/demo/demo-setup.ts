// What the demo shows: which testbed hosts, what is built on them, and the workspace a person opens. Kept
// apart from the process handling in demo.ts so that the e2e check and the README screenshots use exactly
// the demo's own set-up.
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { repoRoot } from '../e2e/harness/paths';
import type { HostSpec, LabHost } from '../e2e/harness/testbed-hosts';

/**
 * Two hosts with a tutorial's network built by hand, and an empty one to apply the examples to.
 * A: namespaces on a veth pair and on a bridge, masquerade out and a published port in.
 * H: a CNI-style bridge with a per-namespace NAT chain, as container runtimes leave it.
 */
export const DEMO_HOSTS: readonly HostSpec[] = [
  { label: 'scenario-a', scenario: 'A' },
  { label: 'scenario-h', scenario: 'H' },
  { label: 'empty' },
];

/** The workspace: the project's examples, and a README that says what to try (VS Code opens it first). */
export async function demoWorkspaceFiles(hosts: readonly LabHost[]): Promise<Record<string, string>> {
  const examples = path.join(repoRoot, 'examples');
  const files: Record<string, string> = { 'README.md': workspaceReadme(hosts) };
  for (const name of (await readdir(examples)).filter((n) => n.endsWith('.vnet')).sort()) {
    files[`examples/${name}`] = await readFile(path.join(examples, name), 'utf8');
  }
  return files;
}

/** Settings on top of the hosts' own (vnet.hosts, vnet.ssh.options): open the README, show the VNet view. */
export const DEMO_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'readme',
};

function workspaceReadme(hosts: readonly LabHost[]): string {
  const rows = hosts.map(({ label, host, description }) => `| \`${label}\` | \`${host.target}\` | ${description} |`);
  return `# VNet demo

Click the **VNet** icon in the activity bar: the **Hosts** view shows these emulated Linux hosts, read over
real ssh:

| host | ssh destination | what is on it |
| --- | --- | --- |
${rows.join('\n')}

Things to try:

- Expand a host: its namespaces, interfaces with their addresses, bridges, veth pairs and NAT rules.
- Right-click **scenario-a** → **Show Topology**: the network drawn the way the tutorials draw it.
- Right-click a host → **Add Namespace…** or **Add veth Pair…**; right-click what you made → **Remove…**.
- Open \`examples/c-net1.vnet\`, click **Apply** above the \`lab\` line, pick **empty**: the host converges
  and the tree follows. **Destroy Lab…** (editor title menu) takes it away again.
- Edit a \`.vnet\` file: completion, hover, rename (F2) and diagnostics as you type.

The hosts are reached with the ssh options in the user settings (\`vnet.ssh.options\`): a ProxyCommand into
the testbed's private network, the testbed's key, and its known_hosts file with strict host key checking.
Everything disappears when you stop the demo (Ctrl-C in its terminal).
`;
}
