// The live watcher's remote half: one long-lived script per host that prints a line whenever something
// in any namespace changes, whoever changed it. Pure: it only builds text.
//
// Where perl exists, one Perl process joins, in every namespace, the rtnetlink groups for links, qdiscs,
// addresses, routes, netconf (forwarding) and nsids, and the nf_tables group (iptables-nft rules): the
// kernel then tells us of every change, at no cost while nothing happens. Sockets keep the namespace they
// were made in, so one select() loop serves them all. It looks for namespaces that came or
// went (~0.4 s); every two seconds it compares iptables-legacy-save where legacy tables exist (legacy iptables
// sends no events). Without perl the script says `mode poll` and the caller polls the probe instead.
//
// Protocol, one line each: `ready`, `change <inode>|namespaces|legacy <inode>`, `hb` (every 5 s, so a
// dead connection is noticed), `mode poll`.

import { SETNS_SYSCALL_SH } from './setns-syscall';

const WATCH_PERL = String.raw`
use strict;
my $SETNS = $ENV{VNET_SETNS} + 0;
my $LEGACY = $ENV{VNET_LEGACY};
$| = 1;
open(my $self, '<', '/proc/self/ns/net') or exit 42;
exit 42 if syscall($SETNS, fileno($self), 0x40000000) != 0;
my $root = (stat $self)[1];
# RTMGRP_LINK, TC (qdiscs: impairments), IPV4_IFADDR, IPV4_ROUTE, IPV6_IFADDR, IPV6_ROUTE, and groups 24
# (IPV4_NETCONF), 25 (IPV6_NETCONF), 28 (NSID).
my $RT_GROUPS = 0x1 | 0x8 | 0x10 | 0x40 | 0x100 | 0x400 | (1 << 23) | (1 << 24) | (1 << 27);
my $NFT_GROUPS = 1 << 6;    # NFNLGRP_NFTABLES
my %watch;

sub enumerate {
  my %path = ($root => '');
  if (open(my $mi, '<', '/proc/self/mountinfo')) {
    while (my $line = <$mi>) {
      next unless $line =~ / - nsfs / && $line =~ /^\S+ \S+ \S+ net:\[(\d+)\] (\S+) /;
      my ($inode, $mp) = ($1, $2);
      $mp =~ s/\\([0-7]{3})/chr(oct($1))/ge;
      $path{$inode} //= $mp;
    }
  }
  if (opendir(my $proc, '/proc')) {
    for my $pid (grep { /^\d+$/ } readdir $proc) {
      my $inode = (stat "/proc/$pid/ns/net")[1];
      $path{$inode} //= "/proc/$pid/ns/net" if defined $inode;
    }
  }
  return %path;
}

sub enter {
  my ($inode, $path) = @_;
  return 1 if $inode == $root && syscall($SETNS, fileno($self), 0x40000000) == 0;
  open(my $fh, '<', $path) or return 0;
  return 0 unless (stat $fh)[1] == $inode;
  return syscall($SETNS, fileno($fh), 0x40000000) == 0;
}

sub join_groups {
  my ($inode, $path) = @_;
  my %w;
  if (enter($inode, $path)) {
    if (socket(my $rt, 16, 3, 0)) { $w{rt} = $rt if bind($rt, pack('SSLL', 16, 0, 0, $RT_GROUPS)) }
    if (socket(my $nf, 16, 3, 12)) { $w{nf} = $nf if bind($nf, pack('SSLL', 16, 0, 0, $NFT_GROUPS)) }
    $w{path} = $path;
  }
  syscall($SETNS, fileno($self), 0x40000000);
  $watch{$inode} = \%w;
}

# Legacy iptables has no events: compare its rules (without counters) every few seconds.
sub legacy_state {
  my ($inode) = @_;
  return '' unless $LEGACY && enter($inode, $watch{$inode}{path});
  my $state = '';
  if (open(my $names, '<', '/proc/net/ip_tables_names')) {
    my @t = <$names>;
    if (@t && open(my $save, '-|', $LEGACY)) {
      while (my $l = <$save>) { next if $l =~ /^#/; $l =~ s/\[\d+:\d+\]//g; $state .= $l }
      close $save;
    }
  }
  syscall($SETNS, fileno($self), 0x40000000);
  return $state;
}

my %path = enumerate();
join_groups($_, $path{$_}) for keys %path;
my %legacy = map { $_ => legacy_state($_) } keys %watch;
print "ready\n";
my ($legacy_due, $beat_due) = (time + 2, time + 5);
while (1) {
  my $rin = '';
  for my $w (values %watch) { vec($rin, fileno($w->{$_}), 1) = 1 for grep { $w->{$_} } qw(rt nf) }
  my $n = select(my $rout = $rin, undef, undef, 0.4);
  if ($n > 0) {
    for my $inode (keys %watch) {
      my $changed = 0;
      for my $s (grep { $_ } @{ $watch{$inode} }{qw(rt nf)}) {
        next unless vec($rout, fileno($s), 1);
        # Drain it (MSG_DONTWAIT): a burst of events is one change; ENOBUFS (we fell behind) is one too.
        my $buf;
        while (1) { last if !defined recv($s, $buf, 65536, 0x40) && !$!{ENOBUFS} }
        $changed = 1;
      }
      print "change $inode\n" if $changed;
    }
  }
  # Namespaces come and go without any event we could join: look again on every turn (~0.4 s).
  my %now = enumerate();
  my @gone = grep { !exists $now{$_} } keys %watch;
  my @new = grep { !exists $watch{$_} } keys %now;
  if (@gone || @new) {
    delete @watch{@gone};
    delete @legacy{@gone};
    for (@new) { join_groups($_, $now{$_}); $legacy{$_} = legacy_state($_) }
    print "change namespaces\n";
  }
  if ($LEGACY && time >= $legacy_due) {
    for my $inode (keys %watch) {
      my $state = legacy_state($inode);
      print "change legacy $inode\n" if $state ne ($legacy{$inode} // '');
      $legacy{$inode} = $state;
    }
    $legacy_due = time + 2;
  }
  if (time >= $beat_due) { print "hb\n"; $beat_due = time + 5 }
}
`;

export function watchScript(): string {
  return `# vnet watch: one line per change in any network namespace of this host.
export LC_ALL=C
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\${PATH:+:$PATH}
legacy=
command -v iptables-legacy-save >/dev/null 2>&1 && legacy=iptables-legacy-save
if command -v perl >/dev/null 2>&1; then
  ${SETNS_SYSCALL_SH.replace(/\n/g, '\n  ')}
  if [ -n "$nr" ]; then
    VNET_SETNS=$nr VNET_LEGACY=$legacy perl - <<'VNET_PERL_END'
${WATCH_PERL.trim()}
VNET_PERL_END
    [ "$?" = 42 ] || exit 0
  fi
fi
echo 'mode poll'
`;
}
