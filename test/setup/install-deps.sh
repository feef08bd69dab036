#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine (as root): Debian packages, then npm packages.
# Idempotent and quiet when everything is already there, so every entry point can call it.
set -euo pipefail
cd "$(dirname "$0")/../.."

packages=(iproute2 iptables nftables openssh-server openssh-client iputils-ping netcat-openbsd tcpdump util-linux sudo ripgrep)
# The host suite's tests against software nobody here wrote (test/host/real-*.test.ts) run these inside
# testbed hosts only: Debian's Docker daemon, the CNI plugins, and busybox for images without a registry.
if [[ "${VNET_WITH_CONTAINERS:-0}" == 1 ]]; then
  packages+=(docker.io containernetworking-plugins busybox-static)
fi
if [[ "${VNET_WITH_BROWSER:-0}" == 1 ]]; then
  packages+=(chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev unzip build-essential python3)
fi

# Installing a daemon's package must never start that daemon on this machine: dockerd and containerd run
# only inside testbed hosts. A policy-rc.d that refuses every start is in place during the install (unless
# one is there already), and afterwards no dockerd or containerd may be running.
install_without_starting_daemons() {
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# vnet install-deps: no service starts while packages install.\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    own_policy=1
  fi
  local status=0
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null || status=$?
  if ((own_policy)); then rm -f "$policy"; fi
  ((status == 0)) || exit "$status"
  # Only this machine's own PID namespace counts: testbed hosts run their daemons in their own.
  local daemons='' pid
  for pid in $(pgrep -x dockerd || true) $(pgrep -x containerd || true); do
    [[ $(readlink "/proc/$pid/ns/pid" 2>/dev/null) == "$(readlink /proc/self/ns/pid)" ]] && daemons+="$pid $(cat "/proc/$pid/comm")"$'\n'
  done
  if [[ -n $daemons ]]; then
    echo "vnet: a container daemon is running on this machine after the install (it must run only inside" >&2
    echo "testbed hosts); stop it by its pid:" >&2
    echo "$daemons" >&2
    exit 1
  fi
}

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) != 0 ]]; then
    echo "vnet: missing Debian packages: ${missing[*]}. Run as root, or install them with apt-get." >&2
    exit 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  install_without_starting_daemons "${missing[@]}"
fi

# npm ci only when the lock file changed since the last install, so reruns start in seconds.
if ! cmp -s package-lock.json node_modules/.vnet-installed-lock 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.vnet-installed-lock
fi

# VS Code for the e2e suite (code-server, installed offline-style into .cache; a rerun takes well under a second).
if [[ "${VNET_WITH_BROWSER:-0}" == 1 ]]; then
  bash test/e2e/harness/install-code-server.sh >/dev/null
fi
