#!/usr/bin/env bash
# `npm run demo`: on a fresh Debian machine, as root, installs what is missing (Debian packages, npm packages,
# code-server and Chromium), builds, then starts the demo (test/demo/demo.ts): emulated hosts with scenarios A
# and H of the tutorials built on them, an empty one, and VS Code with the packaged extension at
# http://127.0.0.1:8080/. Ctrl-C tears everything down.
#
# Usage: npm run demo [-- --port N | --check | --screenshots DIR]   (VNET_DEMO_PORT=N also sets the port)
set -euo pipefail
cd "$(dirname "$0")/../.."
VNET_WITH_BROWSER=1 bash test/setup/install-deps.sh
npm run --silent build
exec node --import tsx test/demo/demo.ts "$@"
