// The part of the Perl netlink reader (probe-netlink-perl.ts) that reads what decides routing and
// forwarding beyond the main table: policy rules (one RTM_GETRULE dump, IPv4 and IPv6), rp_filter of every
// interface (one RTM_GETNETCONF dump of IPv4: no file per interface), IPv6 forwarding, and br_netfilter's
// bridge-nf-call sysctls. The routes of tables other than main come from the `routes` sub's one dump.
//
// Records (numbers and hex only; "-" when absent), read by probe-routing-lines.ts:
//   P family priority flags action table src-len src dst-len dst tos iif oif fwmark fwmask goto l3mdev
//     suppress-prefixlen suppress-ifgroup uid-range ipproto sport-range dport-range protocol realms tun-id
//   C family ifindex forwarding rp_filter        (IPv4; ifindex -1 is `all`, -2 is `default`)
//   F net.ipv4.ip_forward (the record the reader always printed; now from the netconf dump)
//   S net.ipv6.conf.all.forwarding
//   B bridge-nf-call-iptables bridge-nf-call-ip6tables (read only in a namespace that holds a bridge)
// B comes last and always: it says the rest was read.

export const PERL_ROUTING = String.raw`
sub u8 { my $v = shift; defined $v && length $v >= 1 ? unpack('C', $v) : undef }
sub range_of { my ($v, $f) = @_; return '-' unless defined $v && length $v >= 2 * length(pack($f, 0)); join(',', unpack("$f$f", $v)) }

# One dump of every family's rules (AF_UNSPEC); multicast routing's own rule families are left out.
# A rule's message holds nothing of its namespace, and most namespaces hold the same few default rules:
# each distinct message is decoded once.
my %RULE_LINE;
sub rules {
  my $sock = shift;
  my $msgs = dump_all($sock, 34, pack('CCCCCCCCL', 0, 0, 0, 0, 0, 0, 0, 0, 0)) or return;
  print $RULE_LINE{$_} //= rule_line($_) for @$msgs;
}

sub rule_line {
  my $m = shift;
  my ($fam, $dlen, $slen, $tos, $table, undef, undef, $action, $flags) = unpack('CCCCCCCCL', $m);
  return '' unless $fam == 2 || $fam == 10;
  my $a = attrs($m, 12);
  my $tun = first($a, 12);
  my $sup = first($a, 14);
  my $group = first($a, 13);
  return join(' ', 'P', $fam, num(u32(first($a, 6))), $flags, $action, num(u32(first($a, 15)) // $table),
    $slen, hex_of(first($a, 2)), $dlen, hex_of(first($a, 1)), $tos, hex_str(first($a, 3)), hex_str(first($a, 17)),
    num(u32(first($a, 10))), num(u32(first($a, 16))), num(u32(first($a, 4))), num(u8(first($a, 19))),
    defined $sup && length $sup >= 4 ? unpack('l', $sup) : '-', defined $group && length $group >= 4 ? unpack('l', $group) : '-',
    range_of(first($a, 20), 'L'), num(u8(first($a, 22))), range_of(first($a, 23), 'S'), range_of(first($a, 24), 'S'),
    num(u8(first($a, 21))), num(u32(first($a, 11))), defined $tun ? hex_of($tun) : '-') . "\n";
}

# One request, one answer (no dump): the message's body, or undef when the kernel refused.
sub get_one {
  my ($sock, $type, $payload) = @_;
  send($sock, pack('LSSLL', 16 + length $payload, $type, 1, 2, 0) . $payload, 0) or return undef;
  my $buf;
  defined(recv($sock, $buf, 65536, 0)) && length $buf >= 16 or return undef;
  my ($len, $t) = unpack('LS', $buf);
  return $t == 2 || $len < 16 ? undef : substr($buf, 16, $len - 16);
}

# Like rules: the same netconf message (same ifindex, same values) in many namespaces is decoded once.
my %NETCONF;
sub netconf_fields {
  my $m = shift;
  my $a = attrs($m, 4);
  my $index = first($a, 1);
  return undef unless defined $index && length $index >= 4;
  return ['C', unpack('C', $m), unpack('l', $index), num(u32(first($a, 2))), num(u32(first($a, 3)))];
}

# IPv4 netconf of every interface: rp_filter, and "all"'s forwarding, which is net.ipv4.ip_forward (F).
# IPv6 has no rp_filter; its forwarding is one RTM_GETNETCONF of "all" (S). Netlink, not /proc/sys: each
# file opened there costs a lookup per namespace, several times a dump's price.
sub netconf {
  my $sock = shift;
  my $forward;
  for my $m (@{ dump_all($sock, 82, pack('Cx3', 2)) || [] }) {
    my $n = $NETCONF{$m} //= netconf_fields($m) or next;
    $forward = $n->[3] if $n->[2] == -1;
    print join(' ', @$n), "\n";
  }
  $forward //= sysctl_value('ipv4/ip_forward');
  print "F $forward\n" if $forward ne '-';
  my $v6 = get_one($sock, 82, pack('Cx3', 10) . pack('SSl', 8, 1, -1));
  print join(' ', 'S', defined $v6 ? num(u32(first(attrs($v6, 4), 2))) : '-'), "\n";
}

sub sysctl_value {
  open(my $f, '<', "/proc/sys/net/$_[0]") or return '-';
  my $v = <$f>;
  return defined $v && $v =~ /^(-?\d+)/ ? $1 : '-';
}

# br_netfilter is loaded for the whole machine or not at all; its switches are per namespace and decide
# only what crosses a bridge there, so they are read only where the links dump saw one ($main::bridge_seen,
# set by links). A kind-filtered dump of its own would cost as much as the rest of this file.
my $BR_NETFILTER = -d '/proc/sys/net/bridge';

sub routing {
  my $sock = shift;
  my $bridged = $main::bridge_seen;
  $main::bridge_seen = 0;
  rules($sock);
  netconf($sock);
  my @bridge = $BR_NETFILTER && $bridged
    ? (sysctl_value('bridge/bridge-nf-call-iptables'), sysctl_value('bridge/bridge-nf-call-ip6tables')) : ('-', '-');
  print join(' ', 'B', @bridge), "\n";
}
`;
