#!/usr/bin/env bash
# `npm test`: install what is missing, build, type check, lint, then every suite. The machine's own network
# is fingerprinted before and after; a difference fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

VNET_WITH_BROWSER=1 VNET_WITH_CONTAINERS=1 bash test/setup/install-deps.sh
npm run --silent build
npm run --silent typecheck
npm run --silent lint

before=$(bash test/setup/network-guard.sh)
status=0
bash test/run-suite.sh || status=$?
after=$(bash test/setup/network-guard.sh)
if [[ "$before" != "$after" ]]; then
  echo "FAIL: the machine's own network changed during the tests:" >&2
  diff <(echo "$before") <(echo "$after") >&2 || true
  status=1
fi
exit "$status"
