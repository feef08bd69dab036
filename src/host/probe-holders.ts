// Who holds each namespace: the probe's half. It gathers, from files the host already has, what the pure
// parser (namespace-holders.ts) needs to name a container or a Mininet node; it never asks a daemon.
//
// One `holders` record, whose body lines are numbers and hex only:
//   P pid inode cgroup-hex cmdline-hex      the lowest few processes of every namespace but the root one,
//                                           where the cgroup names a container (a 64-digit id, lxc) or the
//                                           command line a Mininet node; the other one is then "-"
//   S cgroup-hex                            the probe's own cgroup: a container it names is this host's own
//                                           (an LXC or Docker host without a cgroup namespace), not a holder
//   F path-hex content-hex                  a runtime's state file (Docker config.v2.json, an OCI
//                                           config.json of containerd or CRI-O, Podman's containers.json)
//
// containerd keeps its state in /run/containerd (k3s and RKE2: /run/k3s/containerd; MicroK8s: under /var/snap).
// Which state files: those of the container ids (64 hex digits) found in the processes' cgroups, and, for
// a namespace bind-mounted by Docker (.../netns/<sandbox id>), the config.v2.json files that name that
// sandbox (a namespace nobody is in any more keeps its container). Docker's data root is /var/lib/docker,
// `data-root` of /etc/docker/daemon.json, and `--data-root` (`-g`, `--graph`) of every running dockerd.
// Everything is bounded: 4 processes per namespace, 4 KiB of cgroup and of command line, 256 files of at
// most 256 KiB. The Perl and the sh versions print the same lines, so that both probe methods agree.

/** Processes read per namespace, lowest pids first (the one that made it is usually the lowest). */
export const HOLDER_PROCESSES_PER_NAMESPACE = 4;

// Perl: `holders(\@pairs)` with [pid, inode] of every process outside the root namespace.
export const PERL_HOLDERS = String.raw`
sub slurp_max {
  my ($path, $max) = @_;
  open(my $f, '<', $path) or return undef;
  binmode $f;
  my $s = '';
  read($f, $s, $max);
  return $s;
}

sub docker_roots {
  my %roots = ('/var/lib/docker' => 1);
  my $conf = slurp_max('/etc/docker/daemon.json', 65536) // '';
  $roots{$1} = 1 while $conf =~ /"data-root"[ \t]*:[ \t]*"([^"\n]*)"/g;
  opendir(my $proc, '/proc') or return sort keys %roots;
  for my $pid (grep { /^\d+$/ } readdir $proc) {
    next unless (slurp_max("/proc/$pid/comm", 64) // '') eq "dockerd\n";
    my @args = split /\0/, (slurp_max("/proc/$pid/cmdline", 4096) // '');
    for my $i (0 .. $#args) {
      $roots{$1} = 1 if $args[$i] =~ /^--data-root=(.+)$/;
      $roots{$args[$i + 1]} = 1 if $args[$i] =~ /^(--data-root|-g|--graph)$/ && defined $args[$i + 1] && length $args[$i + 1];
    }
  }
  return grep { length && !/\n/ } sort keys %roots;
}

sub holders {
  my ($pairs) = @_;
  mark('holders');
  my (%seen, %ids, %files, $podman);
  my $self = slurp_max('/proc/self/cgroup', 4096) // '';
  print 'S ', hex_of($self =~ /[0-9a-f]{64}|lxc/ ? $self : ''), "\n";
  for my $p (sort { $a->[0] <=> $b->[0] } @$pairs) {
    my ($pid, $inode) = @$p;
    next if ++$seen{$inode} > ${HOLDER_PROCESSES_PER_NAMESPACE};
    my $cgroup = slurp_max("/proc/$pid/cgroup", 4096) // '';
    my $cmdline = slurp_max("/proc/$pid/cmdline", 4096) // '';
    $cgroup = '' unless $cgroup =~ /[0-9a-f]{64}|lxc/;
    $cmdline = '' unless $cmdline =~ /mininet:/;
    print join(' ', 'P', $pid, $inode, hex_of($cgroup), hex_of($cmdline)), "\n" if length $cgroup || length $cmdline;
    $ids{$1} = 1 while $cgroup =~ /([0-9a-f]{64})/g;
    $podman = 1 if $cgroup =~ /libpod-/;
  }
  my @sandboxes;
  if (open(my $mi, '<', '/proc/self/mountinfo')) {
    while (my $line = <$mi>) {
      push @sandboxes, $1 if $line =~ / - nsfs / && $line =~ /^\S+ \S+ \S+ net:\[\d+\] \S*\/([0-9a-f]{12,64}) /;
    }
  }
  # Every process's name is read only where Docker may hold something.
  my @roots = %ids || @sandboxes ? docker_roots() : ();
  for my $id (sort keys %ids) {
    my @task;
    for my $state ('/run/containerd', '/run/k3s/containerd', '/var/snap/microk8s/common/run/containerd') {
      opendir(my $tasks, "$state/io.containerd.runtime.v2.task") or next;
      push @task, map { "$state/io.containerd.runtime.v2.task/$_/$id/config.json" } grep { !/^\./ } readdir $tasks;
    }
    for my $f ((map { "$_/containers/$id/config.v2.json" } @roots), @task, "/run/containers/storage/overlay-containers/$id/userdata/config.json") {
      $files{$f} = 1 if -f $f;
    }
  }
  $files{'/var/lib/containers/storage/overlay-containers/containers.json'} = 1 if $podman && -f '/var/lib/containers/storage/overlay-containers/containers.json';
  if (@sandboxes) {
    for my $root (@roots) {
      opendir(my $d, "$root/containers") or next;
      for my $id (grep { /^[0-9a-f]{64}$/ } readdir $d) {
        my $f = "$root/containers/$id/config.v2.json";
        my $text = slurp_max($f, 262144) // next;
        $files{$f} = 1 if grep { index($text, $_) >= 0 } @sandboxes;
      }
    }
  }
  my @list = (sort keys %files)[0 .. 255];
  for my $f (grep { defined } @list) {
    my $text = slurp_max($f, 262144);
    print join(' ', 'F', hex_of($f), hex_of($text)), "\n" if defined $text;
  }
}
`;

// sh, for the ip method: $1 "pid inode" lines of every process outside the root namespace, $2 the nsfs
// lines of mountinfo, $3 a scratch directory. Same lines as the Perl above.
export const HOLDERS_SH = String.raw`holders() {
  echo "$M holders"
  hx() { od -An -v -tx1 | tr -d ' \n'; }
  {
    echo /var/lib/docker
    sed -n 's/.*"data-root"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' /etc/docker/daemon.json 2>/dev/null
    for c in $(grep -lx dockerd /proc/[0-9]*/comm 2>/dev/null); do
      head -c 4096 "$DOLLAR{c%comm}cmdline" 2>/dev/null | tr '\0' '\n' |
        awk 'f { if (length($0)) print; f = 0; next } /^(--data-root|-g|--graph)$/ { f = 1 } sub(/^--data-root=/, "") { print }'
    done
  } | grep -v '^$' | sort -u > "$3/roots"
  : > "$3/ids"; : > "$3/files"
  head -c 4096 /proc/$$/cgroup > "$3/cgroup" 2>/dev/null
  grep -qa -e '[0-9a-f]\{64\}' -e lxc "$3/cgroup" || : > "$3/cgroup"
  echo "S $(hx < "$3/cgroup")" | sed 's/ $/ -/'
  sort -n -k1,1 "$1" | awk '++n[$2] <= ${HOLDER_PROCESSES_PER_NAMESPACE}' | while read -r pid inode; do
    head -c 4096 /proc/$pid/cgroup > "$3/cgroup" 2>/dev/null
    head -c 4096 /proc/$pid/cmdline > "$3/cmdline" 2>/dev/null
    grep -qa -e '[0-9a-f]\{64\}' -e lxc "$3/cgroup" || : > "$3/cgroup"
    grep -qa mininet: "$3/cmdline" || : > "$3/cmdline"
    [ -s "$3/cgroup" ] || [ -s "$3/cmdline" ] || continue
    printf 'P %s %s %s %s\n' "$pid" "$inode" "$(hx < "$3/cgroup")" "$(hx < "$3/cmdline")"
    grep -o '[0-9a-f]\{64\}' "$3/cgroup" >> "$3/ids"
    grep -q 'libpod-' "$3/cgroup" && echo /var/lib/containers/storage/overlay-containers/containers.json >> "$3/files"
  done | sed 's/ $/ -/; s/  / - /'
  sort -u "$3/ids" | while read -r id; do
    while IFS= read -r r; do echo "$r/containers/$id/config.v2.json"; done < "$3/roots"
    for state in /run/containerd /run/k3s/containerd /var/snap/microk8s/common/run/containerd; do
      for f in "$state"/io.containerd.runtime.v2.task/*/"$id"/config.json; do echo "$f"; done
    done
    echo "/run/containers/storage/overlay-containers/$id/userdata/config.json"
  done >> "$3/files"
  awk '{ print $5 }' "$2" | sed -n 's|.*/\([0-9a-f]\{12,64\}\)$|\1|p' > "$3/sandboxes"
  if [ -s "$3/sandboxes" ]; then
    while IFS= read -r r; do
      for f in "$r"/containers/*/config.v2.json; do
        id=$DOLLAR{f%/config.v2.json}; id=$DOLLAR{id##*/}
        case $id in *[!0-9a-f]*) continue ;; esac
        [ "$DOLLAR{#id}" -eq 64 ] || continue
        head -c 262144 "$f" 2>/dev/null | grep -qF -f "$3/sandboxes" && echo "$f"
      done
    done < "$3/roots" >> "$3/files"
  fi
  sort -u "$3/files" | while IFS= read -r f; do [ -f "$f" ] && echo "$f"; done | head -n 256 | while IFS= read -r f; do
    printf 'F %s %s\n' "$(printf %s "$f" | hx)" "$(head -c 262144 "$f" | hx)"
  done | sed 's/ $/ -/'
}`.replace(/\$DOLLAR\{/g, '${');
