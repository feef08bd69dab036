#!/usr/bin/env bash
# Prints a fingerprint of this machine's own network: named namespaces, links, addresses, routes, NAT and
# filter rules. The test command compares it before and after the suites: any difference means a test
# escaped the testbed, which is a serious bug.
set -uo pipefail
{
  echo '# netns'; ip netns list 2>/dev/null | sort
  echo '# links'; ip -o link show 2>/dev/null | sed -E 's/^[0-9]+: //; s/ qdisc.*//' | sort
  echo '# addrs'; ip -o addr show 2>/dev/null | awk '{print $2, $3, $4}' | sort
  echo '# routes'; ip route show table all 2>/dev/null | sort
  echo '# nat'; iptables-save -t nat 2>/dev/null | grep -v '^#' | sed -E 's/\[[0-9]+:[0-9]+\]//'
  echo '# filter'; iptables-save -t filter 2>/dev/null | grep -v '^#' | sed -E 's/\[[0-9]+:[0-9]+\]//'
  echo '# forwarding'; cat /proc/sys/net/ipv4/ip_forward
  # Native nftables tables (firewalld/Docker shapes the host tests load), without counters.
  echo '# nft'; nft -s list ruleset 2>/dev/null
  # dockerd and containerd run only inside testbed hosts (their own PID namespaces), never here.
  echo '# container daemons'
  for pid in $(pgrep -x dockerd) $(pgrep -x containerd); do
    [[ $(readlink "/proc/$pid/ns/pid" 2>/dev/null) == "$(readlink /proc/self/ns/pid)" ]] && echo "$(cat "/proc/$pid/comm" 2>/dev/null) running"
  done
  # The cgroups dockerd makes for containers in testbed hosts, removed when the host's docker stops.
  echo '# testbed cgroups'; ls -d /sys/fs/cgroup/*/vnet-testbed-* /sys/fs/cgroup/vnet-testbed-* 2>/dev/null || true
}
