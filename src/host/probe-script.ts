// The probe: one POSIX sh script, sent over one exec, that prints the whole network state of a host as a
// stream of records (probe-records.ts). Pure: it only builds text.
//
// Two ways to read a namespace, same records:
//   netlink — one Perl process visits every namespace with setns(2) (probe-netlink-perl.ts). The default
//             where perl exists (every Debian and Ubuntu host).
//   ip      — per namespace, `nsenter --net=PATH sh` runs `ip -j -d -batch` (links with addresses, routes,
//             netconf in one ip process) and iptables-save; then `ip netns list` (what the nsids of its
//             veths stand for, by name) in the root and in the few namespaces whose peers the root's
//             answer does not name (`nsids` records). Never `ip -n` or `ip -all netns exec`: they
//             remount /sys on every call.
//
// Names never pass through the shell's text: namespaces are found in /proc/self/mountinfo (whose paths
// the kernel escapes) and /proc/*/ns/net, interfaces come from ip's JSON or as hex from netlink.

import { LAB_STATE_DIR } from '../model/lab-state';
import { shellQuote } from '../model/shell';
import { HOLDERS_SH } from './probe-holders';
import { PROBE_PERL } from './probe-netlink-perl';
import { SETNS_SYSCALL_SH } from './setns-syscall';

export type ProbeMethod = 'auto' | 'netlink' | 'ip';

export interface ProbeScriptOptions {
  /** Random token that starts every record line, so that no name or comment can forge a record. */
  nonce: string;
  method?: ProbeMethod;
  /** The Perl reader decodes the nf_tables rules it can (default); false leaves every table to nft and iptables-save (tests compare them). */
  decodeNft?: boolean;
}

/** What starts a record line: `@@<nonce> `. */
export function recordMark(nonce: string): string {
  if (!/^[A-Za-z0-9]{8,64}$/.test(nonce)) throw new Error('probe nonce must be 8–64 letters and digits');
  return `@@${nonce}`;
}

// Runs inside one namespace (its sh was started there by nsenter, or is the root namespace's own).
// $1 mark, $2 batch file, $3 iptables-nft-save, $4 iptables-legacy-save, $5 nft. nft's JSON joins ip's in
// the same section: it is one object among ip's arrays (probe-nft.ts takes it, parseIpJson leaves it).
const IP_NAMESPACE = String.raw`echo "$1 ip"
ip -j -d -force -batch "$2"
if [ -n "$5" ] && [ -n "$("$5" list tables 2>/dev/null)" ]; then "$5" -j list ruleset 2>/dev/null; fi
# ip rule shows one family at a time (IPv4's is in the batch). Through a file and the read builtin: no
# subshell, and a dump cut short leaves no half JSON document. ip -j prints one line.
if [ -d /proc/sys/net/ipv6 ] && ip -6 -j -d rule show >"$2.r6" 2>/dev/null && read -r r <"$2.r6"; then printf '{"rules6":%s}\n' "$r"; fi
# Root qdiscs (impairments), where tc exists: one line of JSON, the same way.
if command -v tc >/dev/null 2>&1 && tc -j qdisc show >"$2.q" 2>/dev/null && read -r q <"$2.q"; then printf '{"qdiscs":%s}\n' "$q"; fi
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
# mountinfo escapes " ", tab, newline and "\" as \ooo: undo that (the "_" keeps a trailing newline).
unescape() {
  case $path in
    *\\*) path=$(printf '%s' "$path" | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g'); path=$(printf '%b_' "$path"); path=$DOLLAR{path%_} ;;
  esac
}
{
  echo "$M ns $root"
  sh -c "$inner" sh "$M" "$t/batch" "$nft" "$legacy" "$nftj" </dev/null
  while read -r inode path; do
    unescape
    echo "$M ns $inode"
    nsenter --net="$path" sh -c "$inner" sh "$M" "$t/batch" "$nft" "$legacy" "$nftj" </dev/null || echo "$M nsfail nsenter"
  done < "$t/visit"
} | tee "$t/all"
# Only JSON counts: an ip too old to print this one as JSON prints text that would spoil the namespace's.
nsids() {
  i=$1; shift
  ids=$("$@" ip -j netns list </dev/null 2>/dev/null)
  case $ids in '['*) printf '%s\n' "$M nsids $i" "$M ip" "$ids" ;; *) ids= ;; esac
}
nsids "$root" env
printf '%s\n' "$ids" > "$t/rootids"
# The names of the nsids a namespace's veths use: "ip netns list" asks the kernel for its nsid of each
# namespace in /run/netns ("list-id" would dump them, but the kernel cuts that dump short after a hundred
# or so). It opens all of /run/netns: too slow for every namespace. The root's answer names the pairs
# between the root and a named namespace. Ask also in each namespace with an end (ifindex a, peer ifindex
# b) that the root does not name, if a named namespace has an end (b, a) that could be its peer.
awk -v M="$M" -v root="$root" '
  FILENAME == ARGV[1] {
    path[$1] = substr($0, length($1) + 2)
    # Named: ip can name it. (A name with unusual bytes stays escaped here and matches no answer below:
    # then the namespace is asked itself, which costs time but loses nothing.)
    if (path[$1] ~ /^(\/var)?\/run\/netns\/[^\/]+$/) { n = path[$1]; sub(/.*\//, "", n); name[$1] = n }
    next
  }
  FILENAME == ARGV[2] {
    s = $0
    while (match(s, /\{"name":"[A-Za-z0-9._-]+","id":[0-9]+\}/)) {
      split(substr(s, RSTART + 1, RLENGTH - 2), f, /[:,"]+/); nsname[f[5]] = f[3]; s = substr(s, RSTART + RLENGTH)
    }
    next
  }
  $1 == M { if ($2 == "ns") ns = $3; next }
  {
    s = $0
    while (match(s, /\{"ifindex":[0-9]+,"link_index":[0-9]+[^{]*/)) {
      e = substr(s, RSTART, RLENGTH); s = substr(s, RSTART + RLENGTH)
      split(e, f, /[:,]/); nsid = "-"
      if (match(e, /"link_netnsid":[0-9]+/)) nsid = substr(e, RSTART + 15, RLENGTH - 15)
      if (ns == root) { r++; ra[r] = f[2]; rb[r] = f[4]; rn[r] = nsid } else { m++; owner[m] = ns; va[m] = f[2]; vb[m] = f[4] }
    }
  }
  END {
    for (i = 1; i <= r; i++) if (rn[i] in nsname) byroot[nsname[rn[i]] ":" rb[i] ":" ra[i]] = 1
    for (i = 1; i <= m; i++) if (owner[i] in name) namedend[va[i] ":" vb[i]] = 1
    for (i = 1; i <= m; i++) {
      x = owner[i]
      if ((x in done) || !(x in path) || ((x in name) && ((name[x] ":" va[i] ":" vb[i]) in byroot))) continue
      if ((vb[i] ":" va[i]) in namedend) { done[x] = 1; print x, path[x] }
    }
  }
' "$t/visit" "$t/rootids" "$t/all" > "$t/nsids"
while read -r inode path; do
  unescape
  nsids "$inode" nsenter --net="$path"
done < "$t/nsids"
holders "$t/procs" "$t/mounts" "$t"
echo "$M end"`.replace('$DOLLAR{', '${');

export function probeScript(options: ProbeScriptOptions): string {
  const mark = recordMark(options.nonce);
  const method = options.method ?? 'auto';
  return `# vnet probe: the whole network state of this host, as records that start with the mark below.
export LC_ALL=C
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\${PATH:+:$PATH}
M='${mark}'
method='${method}'
nftdecode=${options.decodeNft === false ? 0 : 1}
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
# nft itself reads native nftables tables (probe-perl-nft.ts); without it they are named, not read.
nftj=; have nft && nftj=nft
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
    VNET_M=$M VNET_SETNS=$nr VNET_NFT=$nft VNET_LEGACY=$legacy VNET_NFTJ=$nftj VNET_NFTDECODE=$nftdecode perl - <<'VNET_PERL_END'
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
${HOLDERS_SH}
${IP_METHOD}
labstates labstate-after
`;
}
