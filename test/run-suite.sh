#!/usr/bin/env bash
# Runs suites (unit, host, lsp, e2e; default: all) with node's test runner, in one run so that the closing
# summary counts every test. Test files are TypeScript, loaded through tsx.
set -euo pipefail
cd "$(dirname "$0")/.."
suites=("$@")
((${#suites[@]})) || suites=(unit host lsp e2e)
files=()
for suite in "${suites[@]}"; do
  [[ -d "test/$suite" ]] || continue
  mapfile -t found < <(find "test/$suite" -name '*.test.ts' | sort)
  files+=("${found[@]}")
done
if ((${#files[@]} == 0)); then
  echo "no test files in: ${suites[*]}" >&2
  exit 1
fi
concurrency="${VNET_TEST_CONCURRENCY:-2}"
exec node --import tsx --test --test-concurrency="$concurrency" --test-reporter=spec "${files[@]}"
