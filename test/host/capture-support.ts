// Shared by the capture host tests: a testbed host with a veth between two namespaces (cap-a:va
// 10.77.0.1 ⇄ cap-b:vb 10.77.0.2), built without ssh (set-up is not under test), and ready for ssh.

import type { Testbed, TestHost } from '../testbed/testbed';

export const VETH_SETUP = [
  'ip netns add cap-a', 'ip netns add cap-b',
  'ip link add va netns cap-a type veth peer name vb netns cap-b',
  'ip -n cap-a addr add 10.77.0.1/24 dev va', 'ip -n cap-a link set va up', 'ip -n cap-a link set lo up',
  'ip -n cap-b addr add 10.77.0.2/24 dev vb', 'ip -n cap-b link set vb up', 'ip -n cap-b link set lo up',
  // The veth carrier needs both ends up; wait until a ping gets through so every test starts from a working link.
  'for i in $(seq 50); do ip netns exec cap-a ping -c1 -W1 10.77.0.2 >/dev/null 2>&1 && break; sleep 0.1; done',
].join('\n');

/**
 * Waits until the host's sshd takes a login. On a busy machine a host's very first connection is now and
 * then closed before the banner; the tests are about captures, not about that.
 */
export async function sshReady(host: TestHost): Promise<void> {
  let last = '';
  for (let attempt = 0; attempt < 20; attempt++) {
    const result = await host.sh('true');
    if (result.exitCode === 0) return;
    last = result.stderr.trim();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${host.name} never took an ssh login: ${last}`);
}

/** A fresh host with the veth, `extra` set-up run in it too, reachable over ssh. */
export async function vethHost(bed: Testbed, options: Parameters<Testbed['addHost']>[0] = {}, extra = ''): Promise<TestHost> {
  const host = await bed.addHost(options);
  const built = await host.direct(`${VETH_SETUP}\n${extra}`);
  if (built.exitCode !== 0) throw new Error(`set-up failed on ${host.name}: ${built.stderr}`);
  await sshReady(host);
  return host;
}

/** Pings across the veth from cap-a (set-up traffic: run in the host directly, not over ssh). */
export async function pingAcross(host: TestHost, count: number): Promise<void> {
  const result = await host.direct(`ip netns exec cap-a ping -c ${count} -i 0.2 10.77.0.2`);
  if (result.exitCode !== 0) throw new Error(`ping across the veth failed: ${result.stdout}${result.stderr}`);
}
