// The shell run as the init of the world and of each host. Values are validated by the caller and
// quoted here with the project's one quoting function.

import { shellQuote } from '../../src/model/shell';

/** Lives in a tmpfs mounted in the world's own mount namespace: gone with the world. */
export const TESTBED_DIR = '/tmp/vnet-testbed';

const SSHD_CONFIG = [
  `HostKey ${TESTBED_DIR}/host_ed25519`,
  `AuthorizedKeysFile ${TESTBED_DIR}/authorized_keys`,
  'PermitRootLogin prohibit-password',
  'PasswordAuthentication no',
  'KbdInteractiveAuthentication no',
  // Keys live under /tmp: sshd's ownership checks of the path would refuse them.
  'StrictModes no',
  'UsePAM no',
  'PidFile none',
  'PrintMotd no',
  'LogLevel ERROR',
  'MaxStartups 100:30:200',
  'MaxSessions 100',
  'AcceptEnv LANG LC_*',
  'Subsystem sftp internal-sftp',
].join('\n');

export function worldInitScript(): string {
  return `set -eu
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/netns /run/sshd
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t sysfs sysfs /sys
# 0711: sshd reads authorized_keys as the logging-in user, so non-root users must be able to traverse it.
mkdir -p -m 0711 ${TESTBED_DIR}
cd ${TESTBED_DIR}
ssh-keygen -q -t ed25519 -N '' -C vnet-testbed -f id_ed25519
ssh-keygen -q -t ed25519 -N '' -C vnet-testbed-host -f host_ed25519
cp id_ed25519.pub authorized_keys
: > known_hosts
cat > sshd_config <<'CONFIG'
${SSHD_CONFIG}
CONFIG
ip link set lo up
ip link add lan0 type bridge
ip link set lan0 up
echo 1 > /proc/sys/net/ipv4/ip_forward
echo WORLD-READY
# PID 1 of the world: live while the starter holds stdin open, reaping orphans meanwhile.
while read -r _; do :; done
`;
}

export interface HostInit {
  name: string;
  address: string;
  ip: string;
  peer: string;
  defaultRoute: boolean;
  users: { name: string; sudo: 'nopasswd' | 'password' | 'none' }[];
}

export function hostInitScript(host: HostInit): string {
  const users = host.users.map((user, i) => {
    const uid = 2000 + i;
    const sudoers = user.sudo === 'nopasswd' ? `${user.name} ALL=(ALL) NOPASSWD: ALL`
      : user.sudo === 'password' ? `${user.name} ALL=(ALL) ALL` : '';
    return [
      `echo ${shellQuote(`${user.name}:x:${uid}:${uid}::/tmp:/bin/sh`)} >> /run/testbed-etc/passwd`,
      `echo ${shellQuote(`${user.name}:x:${uid}:`)} >> /run/testbed-etc/group`,
      // A password that matches nothing: sudo with a password policy must ask and fail, never succeed.
      `echo ${shellQuote(`${user.name}:$6$vnet$invalidinvalidinvalidinvalidinvalidinvalidinvalid:19000:0:99999:7:::`)} >> /run/testbed-etc/shadow`,
      sudoers ? `echo ${shellQuote(sudoers)} > /run/testbed-etc/sudoers.d/${user.name}` : '',
    ].filter(Boolean).join('\n');
  }).join('\n');
  const userSetup = host.users.length ? `
# Users exist only in this host's mount namespace: the machine's own /etc is never written.
mkdir -p /run/testbed-etc/sudoers.d
cp /etc/passwd /etc/group /etc/shadow /run/testbed-etc/
${users}
chmod 0440 /run/testbed-etc/sudoers.d/* 2>/dev/null || true
mount --bind /run/testbed-etc/passwd /etc/passwd
mount --bind /run/testbed-etc/group /etc/group
mount --bind /run/testbed-etc/shadow /etc/shadow
if [ -d /etc/sudoers.d ]; then mount --bind /run/testbed-etc/sudoers.d /etc/sudoers.d; fi
` : '';
  return `set -eu
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/netns /run/sshd
mount -t sysfs sysfs /sys
# A home of its own: sshd runs root's login shell, and the machine's own rc files (a version manager's
# hooks, a stale lock they wait on) must neither slow nor change an emulated host.
mount -t tmpfs -o mode=0700 tmpfs /root
hostname ${shellQuote(host.name)}
ip link set lo up
${userSetup}
i=0
until ip link show eth0 >/dev/null 2>&1; do
  i=$((i+1)); [ $i -lt 1000 ] || { echo 'eth0 never arrived' >&2; exit 1; }
  sleep 0.01
done
ip addr add ${shellQuote(host.address)} dev eth0
ip link set eth0 up
${host.defaultRoute ? `ip route add default via ${shellQuote(host.peer)}` : ''}
/usr/sbin/sshd -D -e -f ${TESTBED_DIR}/sshd_config -o ListenAddress=${shellQuote(host.ip)} &
i=0
until [ -n "$(ss -Hltn 'sport = :22')" ]; do
  i=$((i+1)); [ $i -lt 1000 ] || { echo 'sshd did not start' >&2; exit 1; }
  sleep 0.01
done
echo HOST-READY
while read -r _; do :; done
`;
}
