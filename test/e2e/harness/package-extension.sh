#!/usr/bin/env bash
# `npm run package`: builds the production bundles and packs them into a .vsix with vsce.
#
# The build runs in a private staging folder rather than in the repo's dist/, because other test suites run
# dist/*.js concurrently and must never see a half-written bundle. The staging folder links to the sources
# (so esbuild resolves node_modules from the repo) and holds copies of the manifest and assets; the links are
# removed before vsce runs, so nothing but what .vscodeignore lets back in can reach the package.
#
# Usage: package-extension.sh [--out FILE.vsix] [--source DIR]
#   --out     where to write the .vsix (default: <repo>/<name>-<version>.vsix)
#   --source  the extension's root folder (default: this repo; the harness tests point it at fixtures)
# Prints the absolute path of the .vsix on stdout; everything else goes to stderr.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/../../.." && pwd)
source_dir=$repo_root
out=

while (($#)); do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --source) source_dir=$(cd "$2" && pwd); shift 2 ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "package-extension: unknown argument '$1'. Usage: package-extension.sh [--out FILE.vsix] [--source DIR]" >&2; exit 2 ;;
  esac
done

manifest_field() { node -p "require(process.argv[1])[process.argv[2]] ?? ''" "$source_dir/package.json" "$1"; }
name=$(manifest_field name)
version=$(manifest_field version)
[[ -n "$out" ]] || out="$source_dir/$name-$version.vsix"
[[ "$out" == /* ]] || out="$PWD/$out"
mkdir -p "$(dirname "$out")"

staging=$(mktemp -d "${TMPDIR:-/tmp}/vnet-package.XXXXXX")
trap 'rm -rf "$staging"' EXIT

# Sources the bundler reads: linked. test/ is deliberately absent so the test bed bundle is never built.
for item in src webview esbuild.mjs tsconfig.json; do
  [[ -e "$source_dir/$item" ]] && ln -s "$source_dir/$item" "$staging/$item"
done
# What the package may contain: copied.
for item in package.json .vscodeignore README.md CHANGELOG.md LICENSE LICENSE.md LICENSE.txt media syntaxes; do
  [[ -e "$source_dir/$item" ]] && cp -R "$source_dir/$item" "$staging/$item"
done
[[ -f "$staging/.vscodeignore" ]] || cp "$repo_root/.vscodeignore" "$staging/.vscodeignore"

(cd "$staging" && node esbuild.mjs --production) >&2
find "$staging" -maxdepth 1 -type l -delete

flags=(--no-dependencies --no-rewrite-relative-links --out "$out")
# Until the manifest has these, vsce would stop and ask interactively; say so instead of hanging.
if [[ -z "$(manifest_field repository)" ]]; then
  echo "package-extension: package.json has no \"repository\"; packaging with --allow-missing-repository" >&2
  flags+=(--allow-missing-repository)
fi
if ! compgen -G "$staging/LICENSE*" >/dev/null; then
  echo "package-extension: no LICENSE file; packaging with --skip-license" >&2
  flags+=(--skip-license)
fi

(cd "$staging" && "$repo_root/node_modules/.bin/vsce" package "${flags[@]}" </dev/null) >&2
echo "$out"
