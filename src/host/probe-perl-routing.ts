// The part of the Perl netlink reader (probe-netlink-perl.ts) that reads what decides routing and
// forwarding beyond the main table: policy rules (one RTM_GETRULE dump, IPv4 and IPv6), rp_filter of every
// interface (one RTM_GETNETCONF dump of IPv4: no file per interface), IPv6 forwarding, and br_netfilter's
// bridge-nf-call sysctls. The routes of tables other than main come from the `routes` sub's one dump.
//
// Records (numbers and hex only; "-" when absent), read by probe-routing-lines.ts:
//   P family priority flags action table src-len src dst-len dst tos iif oif fwmark fwmask goto l3mdev
//     suppress-prefixlen suppress-ifgroup uid-range ipproto sport-range dport-range protocol realms tun-id
//   N family ifindex forwarding rp_filter        (IPv4; ifindex -1 is `all`, -2 is `default`)
//   S net.ipv6.conf.all.forwarding
//   B bridge-nf-call-iptables bridge-nf-call-ip6tables
// B comes last and always: it says the rest was read.

export const PERL_ROUTING = String.raw`
sub u8 { my $v = shift; defined $v && length $v >= 1 ? unpack('C', $v) : undef }
sub range_of { my ($v, $f) = @_; return '-' unless defined $v && length $v >= 2 * length(pack($f, 0)); join(',', unpack("$f$f", $v)) }

# One dump of every family's rules (AF_UNSPEC); multicast routing's own rule families are left out.
sub rules {
  my $sock = shift;
  my $msgs = dump_all($sock, 34, pack('CCCCCCCCL', 0, 0, 0, 0, 0, 0, 0, 0, 0)) or return;
  for my $m (@$msgs) {
    my ($fam, $dlen, $slen, $tos, $table, undef, undef, $action, $flags) = unpack('CCCCCCCCL', $m);
    next unless $fam == 2 || $fam == 10;
    my $a = attrs($m, 12);
    my $tun = first($a, 12);
    my $sup = first($a, 14);
    my $group = first($a, 13);
    print join(' ', 'P', $fam, num(u32(first($a, 6))), $flags, $action, num(u32(first($a, 15)) // $table),
      $slen, hex_of(first($a, 2)), $dlen, hex_of(first($a, 1)), $tos, hex_str(first($a, 3)), hex_str(first($a, 17)),
      num(u32(first($a, 10))), num(u32(first($a, 16))), num(u32(first($a, 4))), num(u8(first($a, 19))),
      defined $sup && length $sup >= 4 ? unpack('l', $sup) : '-', defined $group && length $group >= 4 ? unpack('l', $group) : '-',
      range_of(first($a, 20), 'L'), num(u8(first($a, 22))), range_of(first($a, 23), 'S'), range_of(first($a, 24), 'S'),
      num(u8(first($a, 21))), num(u32(first($a, 11))), defined $tun ? hex_of($tun) : '-'), "\n";
  }
}

# IPv4 only: IPv6 has no rp_filter, and its forwarding is one file (sysctl_value).
sub netconf {
  my $sock = shift;
  my $msgs = dump_all($sock, 82, pack('Cx3', 2)) or return;
  for my $m (@$msgs) {
    my $a = attrs($m, 4);
    my $index = first($a, 1);
    next unless defined $index && length $index >= 4;
    print join(' ', 'N', unpack('C', $m), unpack('l', $index), num(u32(first($a, 2))), num(u32(first($a, 3)))), "\n";
  }
}

# After setns, a file opened now under /proc/sys/net is the current namespace's.
sub sysctl_value {
  open(my $f, '<', "/proc/sys/net/$_[0]") or return '-';
  my $v = <$f>;
  return defined $v && $v =~ /^(-?\d+)/ ? $1 : '-';
}

sub routing {
  my $sock = shift;
  rules($sock);
  netconf($sock);
  print join(' ', 'S', sysctl_value('ipv6/conf/all/forwarding')), "\n";
  print join(' ', 'B', sysctl_value('bridge/bridge-nf-call-iptables'), sysctl_value('bridge/bridge-nf-call-ip6tables')), "\n";
}
`;
