#!/usr/bin/env bash
# `npm run bench`: builds, then runs every bench/*.bench.ts in turn. Each prints its figures beside the
# baselines it measured in the same run. Pass names to run some: `npm run bench -- show apply`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash test/setup/install-deps.sh
npm run --silent build
names=("$@")
if ((${#names[@]} == 0)); then
  mapfile -t files < <(find bench -maxdepth 1 -name '*.bench.ts' | sort)
else
  files=(); for n in "${names[@]}"; do files+=("bench/$n.bench.ts"); done
fi
for file in "${files[@]}"; do
  echo "=== $file"
  node --import tsx "$file"
done
