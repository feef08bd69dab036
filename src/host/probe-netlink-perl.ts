// The fast half of the probe: one Perl process (perl-base is on every Debian and Ubuntu host) that visits
// every network namespace with setns(2) and asks the kernel over rtnetlink directly. A thousand namespaces
// then cost no thousand processes: `nsenter … ip` is ~2 ms of fork and exec per namespace, this is ~0.3 ms.
//
// It prints numbers and hex only (names are arbitrary bytes), in the record format of probe-records.ts;
// probe-netlink-lines.ts reads it. Rules it decodes itself from nf_tables where it can write them exactly
// as the tools do (probe-perl-ipt-decode.ts, probe-perl-nft-decode.ts); iptables-save and nft still run
// for the rest, only in namespaces whose kernel says such a table exists there (nf_tables tables over
// nfnetlink, /proc/net/ip_tables_names for legacy).
//
// Environment: VNET_M (record mark), VNET_SETNS (setns syscall number of this architecture), VNET_NFT and
// VNET_LEGACY (iptables-save programs, or empty), VNET_NFTJ (nft, or empty) and VNET_NFTDECODE (0: decode
// nothing; probe-perl-nft.ts). Exits 42 before printing anything when setns does not work as expected, so
// that the shell falls back to nsenter + ip.
//
// Peers of veths: a veth names its peer's namespace only by an nsid, which means something only in the
// namespace that reports it. So in each namespace X, for each nsid of X's veths, the reader asks X's
// kernel (RTM_GETNSID with NETNSA_FD) for its nsid of a candidate namespace Y: one already visited that has
// a veth at the peer's ifindex pointing back at ours. Equal nsids mean X's nsid stands for Y, exactly. A
// pair is resolved when its later-visited end is, so each candidate is asked about at most once per
// namespace, and a veth whose peer is in no visible namespace is never matched (see veth-peers.ts).

import { PERL_JOBS } from './probe-perl-jobs';
import { PERL_NFT } from './probe-perl-nft';
import { PERL_NFT_DECODE } from './probe-perl-nft-decode';
import { PERL_IPT_DECODE } from './probe-perl-ipt-decode';
import { PERL_HOLDERS } from './probe-holders';

import { PERL_ROUTING } from './probe-perl-routing';

export const PROBE_PERL = String.raw`
use strict;
my $M = "$ENV{VNET_M} ";
my $SETNS = $ENV{VNET_SETNS} + 0;
my ($NFT, $LEGACY) = ($ENV{VNET_NFT}, $ENV{VNET_LEGACY});
binmode STDOUT;

open(my $self, '<', '/proc/self/ns/net') or exit 42;
exit 42 if syscall($SETNS, fileno($self), 0x40000000) != 0;
my $root = (stat $self)[1];
# Paths of the namespaces to visit, by inode; veth ends already visited, by "ifindex:peer-ifindex".
my (%path, @order, %visited_veths);

sub mark { print $M, @_, "\n" }
sub hex_of { my $s = shift; defined $s && length $s ? unpack('H*', $s) : '-' }
sub hex_str { my $s = shift; return '-' unless defined $s; $s =~ s/\0.*//s; hex_of($s) }
sub num { defined $_[0] ? $_[0] : '-' }

# A message's attributes by type, each a list of payloads. With $want (an array by type), only those types
# are kept: a link's message has some forty attributes and the reader needs ten.
sub attrs {
  my ($buf, $off, $want) = @_;
  my %a;
  while ($off + 4 <= length $buf) {
    my ($len, $type) = unpack('SS', substr($buf, $off, 4));
    last if $len < 4;
    $type &= 0x3fff;
    push @{ $a{$type} }, substr($buf, $off + 4, $len - 4) if !$want || $want->[$type];
    $off += ($len + 3) & ~3;
  }
  return \%a;
}
sub first { my ($a, $t) = @_; $a->{$t} ? $a->{$t}[0] : undef }
sub u32 { my $v = shift; defined $v && length $v >= 4 ? unpack('L', $v) : undef }

# One netlink dump: the messages' bodies, or undef when the kernel refused.
sub dump_all {
  my ($sock, $type, $payload) = @_;
  my @msgs;
  send($sock, pack('LSSLL', 16 + length $payload, $type, 0x301, 1, 0) . $payload, 0) or return undef;
  while (1) {
    my $buf;
    defined(recv($sock, $buf, 262144, 0)) or return undef;
    return \@msgs unless length $buf;
    my $off = 0;
    while ($off + 16 <= length $buf) {
      my ($len, $t) = unpack('LS', substr($buf, $off, 6));
      return \@msgs if $len < 16 || $t == 3;
      return undef if $t == 2 && unpack('l', substr($buf, $off + 16, 4)) != 0;
      push @msgs, substr($buf, $off + 16, $len - 16) if $t != 2;
      $off += ($len + 3) & ~3;
    }
  }
}

# L index type flags name mtu mac master iflink link-netnsid operstate kind slave-kind alias altnames
# Returns the veths whose peer is in another namespace, as [index, peer-index, nsid]; undef on failure.
# Many namespaces hold byte-identical messages (every lo, most default routes and qdiscs): each distinct
# message of links, addresses, routes and qdiscs is decoded once (%SEEN), as rules and netconf are. Unique
# ones are kept too, so visit empties it now and then: the reader's memory stays bounded on any host.
my %SEEN;
my $SEEN_MAX = 20000;
sub links {
  my $sock = shift;
  my @veths;
  # IFLA_EXT_MASK = RTEXT_FILTER_SKIP_STATS: the counters are most of each message and we need none.
  my $msgs = dump_all($sock, 18, pack('CCSiII', 0, 0, 0, 0, 0, 0) . pack('SSL', 8, 29, 8)) or return undef;
  for my $m (@$msgs) {
    my ($line, $veth, $bridge) = @{ $SEEN{"L$m"} //= [link_line($m)] };
    print $line;
    $main::bridge_seen = 1 if $bridge;   # for routing: br_netfilter
    push @veths, $veth if $veth;
  }
  return \@veths;
}

# IFLA_ADDRESS, IFNAME, MTU, LINK, MASTER, OPERSTATE, LINKINFO, IFALIAS, LINK_NETNSID, PROP_LIST.
my @LINK_ATTRS;
$LINK_ATTRS[$_] = 1 for 1, 3, 4, 5, 10, 16, 18, 20, 37, 52;
sub link_line {
  my $m = shift;
  my (undef, undef, $type, $index, $flags) = unpack('CCSiI', $m);
  my $a = attrs($m, 16, \@LINK_ATTRS);
  my ($kind, $slave);
  if (my $info = first($a, 18)) { my $i = attrs($info, 0); $kind = first($i, 1); $slave = first($i, 4) }
  my @alt;
  if (my $props = first($a, 52)) { @alt = map { hex_str($_) } @{ attrs($props, 0)->{53} || [] } }
  my $nsid = first($a, 37);
  my $oper = first($a, 16);
  my $iflink = u32(first($a, 5));
  my $veth = defined $kind && $kind =~ /^veth\0*$/ && defined $nsid && defined $iflink ? [$index, $iflink, unpack('l', $nsid)] : undef;
  my $line = join(' ', 'L', $index, $type, $flags, hex_str(first($a, 3)), num(u32(first($a, 4))),
    hex_of(first($a, 1)), num(u32(first($a, 10))), num(u32(first($a, 5))),
    defined $nsid ? unpack('l', $nsid) : '-', defined $oper ? unpack('C', $oper) : '-',
    hex_str($kind), hex_str($slave), hex_str(first($a, 20)), @alt ? join(',', @alt) : '-') . "\n";
  return ($line, $veth, defined $kind && $kind =~ /^bridge\0*$/);
}

# This namespace's nsid for namespace $y (held open only while asked), or undef.
sub nsid_of {
  my ($sock, $y) = @_;
  my $fh;
  if ($y != $root) { open($fh, '<', $path{$y}) && (stat $fh)[1] == $y or return undef }
  my $req = pack('Cx3', 0) . pack('SSL', 8, 3, fileno($y == $root ? $self : $fh));
  send($sock, pack('LSSLL', 16 + length $req, 90, 1, 2, 0) . $req, 0) or return undef;
  my $buf;
  defined(recv($sock, $buf, 65536, 0)) or return undef;
  my ($len, $t) = unpack('LS', $buf);
  return undef unless $t == 88 && $len <= length $buf;
  my $id = first(attrs(substr($buf, 0, $len), 20), 1);
  return defined $id ? unpack('l', $id) : undef;
}

# N nsid inode: what this namespace's nsids stand for, for the peers of its veths. Candidates are the
# unpaired ends visited so far; an end paired here leaves the list, so that look-alike namespaces (veths
# made in fresh namespaces all have the same ifindexes) are not asked about again and again.
sub peers {
  my ($sock, $inode, $veths) = @_;
  my (%known, %asked);
  for my $v (@$veths) {
    my ($index, $link, $nsid) = @$v;
    my $ends = $visited_veths{"$link:$index"} ||= [];
    unless (exists $known{$nsid}) {
      for my $y (@$ends) {
        $asked{$y} = nsid_of($sock, $y) unless exists $asked{$y};
        next unless defined $asked{$y} && $asked{$y} == $nsid;
        $known{$nsid} = $y;
        print "N $nsid $y\n";
        last;
      }
    }
    my $y = $known{$nsid};
    my ($at) = defined $y ? grep { $ends->[$_] == $y } 0 .. $#$ends : ();
    if (defined $at) { splice(@$ends, $at, 1) } else { push @{ $visited_veths{"$index:$link"} }, $inode }
  }
}

# A index family prefixlen scope address
sub addrs {
  my $sock = shift;
  my $msgs = dump_all($sock, 22, pack('CCCCL', 0, 0, 0, 0, 0)) or return 0;
  for my $m (@$msgs) {
    print $SEEN{"A$m"} //= do {
      my ($family, $prefix, undef, $scope, $index) = unpack('CCCCL', $m);
      my $a = attrs($m, 8);
      join(' ', 'A', $index, $family, $prefix, $scope, hex_of(first($a, 2) // first($a, 1))) . "\n";
    };
  }
  return 1;
}

# R family dst-len protocol type dst gateway oif via [nexthop-oif nexthop-gateway]...  (main table)
# U table, then the same fields                                                  (other tables but local)
sub routes {
  my $sock = shift;
  my $msgs = dump_all($sock, 26, pack('CCCCCCCCL', 0, 0, 0, 0, 0, 0, 0, 0, 0)) or return 0;
  # rtm_table 255 is the local table (a table above 255 says 252 here and its id in RTA_TABLE).
  print $SEEN{"R$_"} //= route_line($_) for grep { unpack('x4 C', $_) != 255 } @$msgs;
  return 1;
}

sub route_line {
  my $m = shift;
  my ($family, $dlen, undef, undef, $table, $proto, undef, $type) = unpack('CCCCCCCC', $m);
  my $a = attrs($m, 12);
  $table = u32(first($a, 15)) // $table;
  return '' if $table == 255;
  my @hops;
  if (my $mp = first($a, 9)) {
    my $off = 0;
    while ($off + 8 <= length $mp) {
      my ($len, undef, undef, $ifindex) = unpack('SCCi', substr($mp, $off, 8));
      last if $len < 8;
      my $h = attrs(substr($mp, $off, $len), 8);
      my $hvia = first($h, 18);
      push @hops, $ifindex, hex_of(first($h, 5) // (defined $hvia ? substr($hvia, 2) : undef));
      $off += ($len + 3) & ~3;
    }
  }
  my $via = first($a, 18);
  return join(' ', $table == 254 ? 'R' : "U $table", $family, $dlen, $proto, $type, hex_of(first($a, 1)), hex_of(first($a, 5)),
    num(u32(first($a, 4))), defined $via ? hex_of(substr($via, 2)) : '-', @hops) . "\n";
}

# Q index kind delay-ns jitter-ns delay-corr loss duplicate reorder corrupt rate: root qdiscs, with netem's
# and tbf's settings as the kernel keeps them (probabilities as 32-bit fractions, rate in bytes/s; "-" for
# other kinds). One dump per namespace; kernels before 4.15 lack the 64-bit times (ticks are ns >> 6).
# 64-bit values are read as two 32-bit halves: a perl built without 64-bit integers has no 'q'.
my $LITTLE = pack('L', 1) eq pack('V', 1);
sub u64 {
  my $v = shift;
  return undef unless defined $v && length $v >= 8;
  my ($lo, $hi) = unpack('LL', $v);
  return $LITTLE ? $hi * 4294967296 + $lo : $lo * 4294967296 + $hi;
}
sub qdiscs {
  my $sock = shift;
  my $msgs = dump_all($sock, 38, pack('CCSiLLL', 0, 0, 0, 0, 0, 0, 0)) or return 0;
  print $SEEN{"Q$_"} //= qdisc_line($_) for @$msgs;
  return 1;
}

sub qdisc_line {
  my $m = shift;
  my (undef, undef, undef, $index, undef, $parent) = unpack('CCSiLL', $m);
  return '' unless $parent == 0xffffffff;
  my $a = attrs($m, 20);
  my $kind = first($a, 1);
  return '' unless defined $kind;
  $kind =~ s/\0.*//s;
  my @f = ('-') x 8;
  my $opt = first($a, 2);
  if ($kind eq 'netem' && defined $opt && length $opt >= 24) {
    my ($lat, undef, $loss, undef, $dup, $jit) = unpack('L6', $opt);
    my $n = attrs($opt, 24);
    my ($l64, $j64, $corr, $reo, $cor, $r32, $r64) = map { first($n, $_) } 10, 11, 1, 3, 4, 6, 8;
    @f = (
      u64($l64) // $lat * 64, u64($j64) // $jit * 64,
      defined $corr ? unpack('L', $corr) : 0, $loss, $dup,
      defined $reo ? unpack('L', $reo) : 0, defined $cor ? unpack('L', $cor) : 0,
      u64($r64) // (defined $r32 ? unpack('L', $r32) : 0),
    );
  } elsif ($kind eq 'tbf' && defined $opt) {
    my $t = attrs($opt, 0);
    my ($p, $r64) = (first($t, 1), first($t, 4));
    $f[7] = u64($r64) // (defined $p && length $p >= 12 ? unpack('L', substr($p, 8, 4)) : '-');
  }
  return join(' ', 'Q', $index, hex_of($kind), @f) . "\n";
}

${PERL_ROUTING.trim()}

# nf_tables tables of this namespace, as "family name".
sub nft_tables {
  socket(my $nf, 16, 3, 12) or return ();
  my $msgs = dump_all($nf, (10 << 8) | 1, pack('CCn', 0, 0, 0)) or return ();
  my @tables;
  for my $m (@$msgs) {
    my $name = first(attrs($m, 4), 1);
    next unless defined $name;
    $name =~ s/\0.*//s;
    push @tables, [unpack('C', $m), $name];
  }
  return @tables;
}

sub legacy_tables {
  open(my $f, '<', '/proc/net/ip_tables_names') or return ();
  my @t = <$f>;
  chomp @t;
  return @t;
}

${PERL_JOBS.trim()}

${PERL_NFT.trim()}

${PERL_NFT_DECODE.trim()}

${PERL_IPT_DECODE.trim()}

# iptables-save in this namespace, as a child of the namespace's group (probe-perl-jobs.ts); for
# iptables-nft, its text decoded here instead where the reader can (probe-perl-ipt-decode.ts).
sub run_saver {
  my ($group, $backend, $tool, $dump) = @_;
  my $job = { backend => $backend, print => \&print_saver };
  my $text = $backend eq 'nft' && $dump ? eval { iptd_save($dump) } : undef;
  if (defined $text) { @$job{'rc', 'out'} = (0, $text); job_add($group, $job); return }
  job_start($group, $job, 0, $tool);
}

sub print_saver {
  my $job = shift;
  mark("ipt $job->{backend}");
  print $job->{out};
  print "\n" if length $job->{out} && substr($job->{out}, -1) ne "\n";
  mark("iptrc $job->{backend} $job->{rc}");
}

sub visit {
  my ($inode, $path) = @_;
  mark("ns $inode");
  my $fh;
  if ($inode != $root) {
    unless (open($fh, '<', $path) && (stat $fh)[1] == $inode) { mark('nsfail gone'); return }
    if (syscall($SETNS, fileno($fh), 0x40000000) != 0) { mark('nsfail setns ', $! + 0); return }
  }
  mark('nl');
  %SEEN = () if keys(%SEEN) > $SEEN_MAX;
  socket(my $rt, 16, 3, 0) or do { mark('nsfail socket'); return };
  my $veths = links($rt);
  defined $veths && addrs($rt) && routes($rt) or mark('nlfail');
  qdiscs($rt);
  peers($rt, $inode, $veths) if $veths && @$veths;
  routing($rt);   # also prints F: ip_forward
  my @nft = nft_tables();
  my @legacy = legacy_tables();
  print join(' ', 'T', $_->[0], hex_str($_->[1])), "\n" for @nft;
  print join(' ', 'G', map { hex_str($_) } @legacy), "\n" if @legacy;
  my $group = jobs_group($inode, $fh // $self);
  # The kernel's nf_tables chains and rules, for the decoders (probe-perl-nft-decode.ts).
  my $dump = $NFT_DECODE && @nft ? nftd_dump() : undef;
  run_saver($group, 'nft', $NFT, $dump) if $NFT && grep { $_->[0] == 2 && $_->[1] =~ /^(?:nat|filter|mangle|raw)$/ } @nft;
  run_saver($group, 'legacy', $LEGACY) if $LEGACY && grep { /^(?:nat|filter|mangle|raw)$/ } @legacy;
  nft_native_start($group, $dump, @nft) if @nft;
  jobs_close($group);
}

# Every network namespace: the one we run in, every nsfs bind mount (those under /run/netns have names;
# others such as /run/docker/netns/* do not), and every one that some process is in.
mark('method netlink');
mark("root $root");
mark('mountinfo');
if (open(my $mi, '<', '/proc/self/mountinfo')) {
  while (my $line = <$mi>) {
    next unless $line =~ / - nsfs / && $line =~ /^\S+ \S+ \S+ net:\[(\d+)\] (\S+) /;
    print $line;
    my ($inode, $mp) = ($1, $2);
    $mp =~ s/\\([0-7]{3})/chr(oct($1))/ge;
    next if exists $path{$inode} || $inode == $root;
    $path{$inode} = $mp;
    push @order, $inode;
  }
}
mark('procs');
my @holder_procs;
if (opendir(my $proc, '/proc')) {
  for my $pid (sort { $a <=> $b } grep { /^\d+$/ } readdir $proc) {
    my $inode = (stat "/proc/$pid/ns/net")[1];
    next unless defined $inode && $inode != $root;
    print "$pid $inode\n";
    push @holder_procs, [$pid, $inode];
    next if exists $path{$inode};
    $path{$inode} = "/proc/$pid/ns/net";
    push @order, $inode;
  }
}
visit($root, '');
visit($_, $path{$_}) for @order;
jobs_pump(sub { 1 });
jobs_flush();
holders(\@holder_procs);
mark('end');
` + PERL_HOLDERS;
