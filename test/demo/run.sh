#!/usr/bin/env bash
# `npm run demo`: installs what is missing, builds, and starts the testbed with scenario C built by hand
# on an emulated host, plus an empty host. Ctrl-C tears everything down.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash test/setup/install-deps.sh
npm run --silent build
exec node dist/testbed.js up --scenario C --hosts 1
