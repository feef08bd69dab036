// The probe: one POSIX sh script, sent over one exec, that prints the whole network state of a host as a
// stream of records (probe-records.ts). Pure: it only builds text.
//
// Two ways to read a namespace, same records:
//   netlink — one Perl process visits every namespace with setns(2) (probe-netlink-perl.ts). The default
//             where perl exists (every Debian and Ubuntu host).
//   ip      — per namespace, `nsenter --net=PATH sh` runs `ip -j -d -batch` (links with addresses, routes,
//             netconf in one ip process) and iptables-save. Never `ip -n` or `ip -all netns exec`: they
//             remount /sys on every call.
//
// Names never pass through the shell's text: namespaces are found in /proc/self/mountinfo (whose paths
// the kernel escapes) and /proc/*/ns/net, interfaces come from ip's JSON or as hex from netlink.

import { LAB_STATE_DIR } from '../model/lab-state';
import { shellQuote } from '../model/shell';
import { PROBE_PERL } from './probe-netlink-perl';
import { SETNS_SYSCALL_SH } from './setns-syscall';

export type ProbeMethod = 'auto' | 'netlink' | 'ip';

export interface ProbeScriptOptions {
  /** Random token that starts every record line, so that no name or comment can forge a record. */
  nonce: string;
  method?: ProbeMethod;
}

/** What starts a record line: `@@<nonce> `. */
export function recordMark(nonce: string): string {
  if (!/^[A-Za-z0-9]{8,64}$/.test(nonce)) throw new Error('probe nonce must be 8–64 letters and digits');
  return `@@${nonce}`;
}

// Runs inside one namespace (its sh was started there by nsenter, or is the root namespace's own).
// $1 mark, $2 batch file, $3 iptables-nft-save, $4 iptables-legacy-save.
const IP_NAMESPACE = String.raw`echo "$1 ip"
ip -j -d -force -batch "$2"
# ip rule shows one family at a time (IPv4's is in the batch). Through a file and the read builtin: no
# subshell, and a dump cut short leaves no half JSON document. ip -j prints one line.
if [ -d /proc/sys/net/ipv6 ] && ip -6 -j -d rule show >"$2.r6" 2>/dev/null && read -r r <"$2.r6"; then printf '{"rules6":%s}\n' "$r"; fi
b4=-; b6=-; read -r b4 2>/dev/null </proc/sys/net/bridge/bridge-nf-call-iptables; read -r b6 2>/dev/null </proc/sys/net/bridge/bridge-nf-call-ip6tables
printf '{"bridgeNf":["%s","%s"]}\n' "$b4" "$b6"
if [ -n "$3" ]; then echo "$1 ipt nft"; "$3"; echo "$1 iptrc nft $?"; fi
if [ -n "$4" ] && read -r _ </proc/net/ip_tables_names 2>/dev/null; then echo "$1 ipt legacy"; "$4"; echo "$1 iptrc legacy $?"; fi`;

const IP_METHOD = String.raw`have nsenter || fatal VN-HOST-TOOL nsenter
t=$(mktemp -d) || fatal VN-HOST-TOOL mktemp
trap 'rm -rf "$t"' EXIT
printf '%s\n' 'addr show' 'route show table all' 'netconf show' 'rule show' > "$t/batch"
root=$(stat -L -c %i /proc/self/ns/net)
echo "$M method ip"
echo "$M root $root"
grep ' - nsfs ' /proc/self/mountinfo | grep ' net:\[' > "$t/mounts"
stat -L -c '%n %i' /proc/[0-9]*/ns/net 2>/dev/null | awk -v root="$root" '$2 != root { split($1, p, "/"); print p[3], $2 }' > "$t/procs"
echo "$M mountinfo"; cat "$t/mounts"
echo "$M procs"; cat "$t/procs"
# One line per namespace to visit, "inode path": mounts first (a path that stays valid), then processes.
awk -v root="$root" '
  FILENAME == ARGV[1] { if (match($4, /^net:\[[0-9]+\]$/)) { i = substr($4, 6, length($4) - 6); if (i != root && !(i in seen)) { seen[i] = 1; print i, $5 } } next }
  !($2 in seen) { seen[$2] = 1; print $2, "/proc/" $1 "/ns/net" }
' "$t/mounts" "$t/procs" > "$t/visit"
echo "$M ns $root"
sh -c "$inner" sh "$M" "$t/batch" "$nft" "$legacy" </dev/null
while read -r inode path; do
  case $path in
    # mountinfo escapes " ", tab, newline and "\" as \ooo: undo that (the "_" keeps a trailing newline).
    *\\*) path=$(printf '%s' "$path" | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g'); path=$(printf '%b_' "$path"); path=$DOLLAR{path%_} ;;
  esac
  echo "$M ns $inode"
  nsenter --net="$path" sh -c "$inner" sh "$M" "$t/batch" "$nft" "$legacy" </dev/null || echo "$M nsfail nsenter"
done < "$t/visit"
echo "$M end"`.replace('$DOLLAR{', '${');

export function probeScript(options: ProbeScriptOptions): string {
  const mark = recordMark(options.nonce);
  const method = options.method ?? 'auto';
  return `# vnet probe: the whole network state of this host, as records that start with the mark below.
export LC_ALL=C
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\${PATH:+:$PATH}
M='${mark}'
method='${method}'
have() { command -v "$1" >/dev/null 2>&1; }
fatal() { echo "$M fatal $1 $2"; exit 3; }
echo "$M probe 1"
have ip || fatal VN-HOST-TOOL ip
nft=; legacy=
have iptables-nft-save && nft=iptables-nft-save
have iptables-legacy-save && legacy=iptables-legacy-save
if [ -z "$nft$legacy" ]; then
  have iptables-save || fatal VN-HOST-TOOL iptables
  case $(iptables-save --version 2>/dev/null) in *nf_tables*) nft=iptables-save ;; *) legacy=iptables-save ;; esac
fi
echo "$M tools nft=$nft legacy=$legacy"
# The labs' state files say which lab made which namespace (the ownership mark of namespaces). They are
# read again at the end: a plan may trust this read only if no apply changed them in between.
labstates() {
  for f in ${LAB_STATE_DIR}/*.jsonl; do
    [ -f "$f" ] || continue
    l=\${f##*/}
    echo "$M $1 \${l%.jsonl}"
    cat "$f"; echo
  done
  echo "$M $1-done"
}
labstates labstate
if [ "$method" != ip ] && have perl; then
  ${SETNS_SYSCALL_SH.replace(/\n/g, '\n  ')}
  if [ -n "$nr" ]; then
    VNET_M=$M VNET_SETNS=$nr VNET_NFT=$nft VNET_LEGACY=$legacy perl - <<'VNET_PERL_END'
${PROBE_PERL.trim()}
VNET_PERL_END
    rc=$?
    [ "$rc" = 0 ] && { labstates labstate-after; exit 0; }
    # 42: setns is not what we expect here. Anything else: perl failed midway; start over the slow way.
    [ "$rc" = 42 ] || echo "$M restart perl-exit-$rc"
  fi
fi
[ "$method" = netlink ] && fatal VN-HOST-TOOL perl
inner=${shellQuote(IP_NAMESPACE)}
${IP_METHOD}
labstates labstate-after
`;
}
