#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine (as root): Debian packages, then npm packages.
# Idempotent and quiet when everything is already there, so every entry point can call it.
set -euo pipefail
cd "$(dirname "$0")/../.."

packages=(iproute2 iptables nftables openssh-server openssh-client iputils-ping netcat-openbsd tcpdump util-linux sudo ripgrep)
if [[ "${VNET_WITH_BROWSER:-0}" == 1 ]]; then
  packages+=(chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev unzip build-essential python3)
fi

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
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
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
