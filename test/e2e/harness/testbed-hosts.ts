// Testbed hosts for the e2e suite and the demo: emulated Linux hosts (test/testbed) with scenarios built on
// them by hand, and the VNet settings that make a code-server reach them.
//
// The hosts live in the testbed world's own network namespace; code-server runs in this machine's. The ssh
// options the testbed hands out bridge the two: a ProxyCommand that enters the world's namespace
// (`nsenter --net=/proc/PID/ns/net nc %h %p`), the world's key, and its known_hosts file with
// StrictHostKeyChecking=yes. Host keys are trusted through that file, never by turning checking off.
import { SCENARIOS } from '../../testbed/scenarios';
import { Testbed, type TestHost } from '../../testbed/testbed';

export interface HostSpec {
  /** The name the Hosts view shows (the `label` of the `vnet.hosts` entry). */
  label: string;
  /** A scenario of shared/scenarios.md (one-host ones: A–F, H), built by hand with the tutorial's commands. */
  scenario?: string;
  /** LAN address with prefix; default: the scenario's, else the testbed's next free one. */
  address?: string;
  peer?: string;
  /** A script run over ssh after the scenario (set-up that is not itself under test). */
  script?: string;
}

export interface LabHost {
  readonly label: string;
  readonly host: TestHost;
  /** What was built on it, for people: `scenario A: Point-to-point, …` or `empty`. */
  readonly description: string;
}

export interface TestbedHosts {
  readonly bed: Testbed;
  readonly hosts: readonly LabHost[];
  /** The host with that label; throws when there is none. */
  get(label: string): TestHost;
  /** User settings for code-server: `vnet.hosts`, `vnet.ssh.options`, and no `local` host. */
  readonly settings: Record<string, unknown>;
  stop(): Promise<void>;
}

/** Starts a testbed world and one host per spec, building each spec's scenario on it over real ssh. */
export async function startTestbedHosts(specs: readonly HostSpec[]): Promise<TestbedHosts> {
  const bed = await Testbed.start();
  try {
    const hosts: LabHost[] = [];
    for (const spec of specs) {
      const scenario = spec.scenario === undefined ? undefined : SCENARIOS[spec.scenario];
      if (spec.scenario !== undefined && (!scenario || scenario.hosts.length !== 1)) {
        throw new Error(`testbed-hosts: "${spec.scenario}" is not a one-host scenario; use one of A–F or H.`);
      }
      const built = scenario?.hosts[0];
      const host = await bed.addHost({ address: spec.address ?? built?.address, peer: spec.peer ?? built?.peer });
      await answersOverSsh(host);
      if (built) await host.mustSh(built.script);
      if (spec.script) await host.mustSh(spec.script);
      hosts.push({ label: spec.label, host, description: scenario ? `scenario ${scenario.id}: ${scenario.title}` : 'empty' });
    }
    return {
      bed,
      hosts,
      get(label) {
        const found = hosts.find((h) => h.label === label);
        if (!found) throw new Error(`testbed-hosts: no host labelled "${label}"`);
        return found.host;
      },
      settings: vnetHostSettings(hosts),
      stop: () => bed.stop(),
    };
  } catch (error) {
    await bed.stop();
    throw error;
  }
}

/**
 * The settings a person would write to reach these hosts: each host as `{ destination, label }`, the
 * testbed's ssh options as `KEY=VALUE` entries (every host of one testbed shares them), and `local` hidden so
 * that nothing in a test or the demo can touch this machine's own network.
 */
export function vnetHostSettings(hosts: readonly LabHost[]): Record<string, unknown> {
  const options = hosts.length ? Object.entries(hosts[0].host.sshOptions).map(([key, value]) => `${key}=${value}`) : [];
  return {
    'vnet.hosts': hosts.map(({ host, label }) => ({ destination: host.target, label })),
    'vnet.ssh.options': options,
    'vnet.showLocalHost': false,
  };
}

/**
 * Waits until the host answers over ssh as code-server will reach it. Right after addHost the LAN peer's
 * ARP for a new host can stay unanswered for several seconds (the neighbour goes INCOMPLETE, then FAILED),
 * and a connection made then ends in "kex_exchange_identification: Connection closed by remote host"; an
 * extension that connects at startup would show the host as unreachable.
 */
async function answersOverSsh(host: TestHost, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await host.sh('true', { timeoutMs: 10_000 });
    if (result.exitCode === 0) return;
    if (Date.now() > deadline) throw new Error(`testbed-hosts: ${host.target} does not answer over ssh: ${result.stderr.trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
