#!/usr/bin/env bash
# Installs code-server (real VS Code in a browser) into the ignored cache folder, for the e2e suite and the demo.
#
# code-server's own install scripts download prebuilt binaries from GitHub, which these machines cannot reach,
# so we install with --ignore-scripts and redo by hand what its postinstall.sh does, building the native
# modules from source against the local Node headers instead of downloading them.
#
# Idempotent: a stamp file records what was installed (code-server version, Node ABI since native modules
# only load in the Node they were built for, and this recipe's version). When it matches, the script exits in milliseconds.
# Safe to run concurrently (two e2e test files starting together): the work happens under a lock.
#
# Usage: test/e2e/harness/install-code-server.sh            install if needed, print the entry.js path
#        VNET_CODE_SERVER_DIR=/elsewhere …                     install somewhere else (default .cache/code-server)
set -euo pipefail

readonly VERSION=4.100.3
# Bump when the steps below change, so existing caches are rebuilt.
readonly RECIPE=1
readonly NATIVE_MODULES=(kerberos node-pty @parcel/watcher @vscode/spdlog @vscode/deviceid native-watchdog)
readonly DEBIAN_PACKAGES=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep build-essential python3)

repo_root=$(cd "$(dirname "$0")/../../.." && pwd)
prefix=${VNET_CODE_SERVER_DIR:-$repo_root/.cache/code-server}
package_dir=$prefix/node_modules/code-server
vscode_dir=$package_dir/lib/vscode
entry=$package_dir/out/node/entry.js
stamp=$prefix/.vnet-installed
wanted="code-server@$VERSION node-abi=$(node -p process.versions.modules) recipe=$RECIPE"

log() { echo "install-code-server: $*" >&2; }
fail() { log "ERROR: $*"; exit 1; }

installed_and_whole() {
  [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" && -f "$entry" && -e "$vscode_dir/node_modules.asar" ]]
}

if installed_and_whole; then
  echo "$entry"
  exit 0
fi

mkdir -p "$prefix"
exec 9>"$prefix/.lock"
flock 9
# Another process may have finished the install while we waited for the lock.
if installed_and_whole; then
  echo "$entry"
  exit 0
fi

[[ "$(node -p 'process.versions.node.split(".")[0]')" == 20 ]] ||
  fail "code-server $VERSION needs Node 20, found $(node --version). Install Node 20 and rerun."

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
((${#missing[@]} == 0)) ||
  fail "missing Debian packages needed to build code-server's native modules: ${missing[*]}. Run: apt-get install -y ${missing[*]} (or VNET_WITH_BROWSER=1 bash test/setup/install-deps.sh)"

# node-gyp downloads Node's headers unless told where they are; Debian's nodejs ships them under /usr/include/node.
node_prefix=$(dirname "$(dirname "$(command -v node)")")
if [[ -z "${npm_config_nodedir:-}" && -f "$node_prefix/include/node/node.h" ]]; then
  export npm_config_nodedir=$node_prefix
fi
export npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
# node-gyp compiles with every core (the rebuild is most of a fresh install's time).
export JOBS=max

started=$SECONDS
log "installing code-server $VERSION into $prefix (first time only; about a minute on 2 cores)"
# Start from scratch: a half-finished earlier attempt must not leave stale native builds behind.
rm -rf "$prefix/node_modules" "$prefix/package.json" "$prefix/package-lock.json" "$stamp"
quiet=(--no-audit --no-fund --loglevel=error)

npm install --prefix "$prefix" --ignore-scripts "${quiet[@]}" "code-server@$VERSION" >&2

# What code-server's postinstall.sh does, minus the downloads.
(cd "$vscode_dir" && npm install --omit=dev --ignore-scripts "${quiet[@]}") >&2
(cd "$vscode_dir/extensions" && npm install --omit=dev --ignore-scripts "${quiet[@]}") >&2
ln -sfn node_modules "$vscode_dir/node_modules.asar"
ln -sfn code-linux.sh "$vscode_dir/bin/remote-cli/code-server"
ln -sfn browser-linux.sh "$vscode_dir/bin/helpers/browser.sh"

log "building native modules: ${NATIVE_MODULES[*]} argon2"
(cd "$vscode_dir" && npm rebuild "${quiet[@]}" "${NATIVE_MODULES[@]}") >&2
(cd "$prefix" && npm rebuild "${quiet[@]}" argon2) >&2

# @vscode/ripgrep's own postinstall downloads rg from GitHub; Debian's is the same program.
mkdir -p "$vscode_dir/node_modules/@vscode/ripgrep/bin"
install -m 755 "$(command -v rg)" "$vscode_dir/node_modules/@vscode/ripgrep/bin/rg"

# npm may skip lifecycle scripts it has not been told to allow (npm 11 "allowScripts") and still report success,
# so prove that every native module really exists instead of trusting the exit code.
vm=$vscode_dir/node_modules
required=(
  "$vm/kerberos/build/Release/kerberos.node"
  "$vm/node-pty/build/Release/pty.node"
  "$vm/@vscode/spdlog/build/Release/spdlog.node"
  "$vm/@vscode/deviceid/build/Release/windows.node"
  "$vm/native-watchdog/build/Release/watchdog.node"
  "$vm/@parcel/watcher-linux-x64-glibc/watcher.node"
  "$vm/@vscode/ripgrep/bin/rg"
  "$prefix/node_modules/argon2/lib/binding/napi-v3/argon2.node"
)
for file in "${required[@]}"; do
  [[ -e "$file" ]] || fail "native build incomplete, $file is missing. Check that npm may run install scripts (npm config get ignore-scripts; npm 11: npm config get allow-scripts) and that the build packages are installed."
done
# Loading them catches a module built against the wrong Node headers.
(cd "$vm" && node -e '
  for (const m of ["node-pty", "@vscode/spdlog", "kerberos", "native-watchdog", "@parcel/watcher"]) require(m);
') || fail "a native module was built but does not load in $(node --version); delete $prefix and rerun."

echo "$wanted" >"$stamp"
log "done in $((SECONDS - started))s"
echo "$entry"
