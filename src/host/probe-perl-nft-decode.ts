// The Perl reader's decoder of native nftables tables (see probe-perl-nft.ts): it asks the kernel for a
// namespace's tables, chains and rules over nfnetlink and writes, for a table it can decode whole, the
// JSON `nft -j list table` would print for it, as far as parseNftJson reads it (tables, chains with type,
// hook, priority and policy, rules with handle, comment and statements). Then no nft process starts for
// that table: starting nft is most of what a namespace with rules costs.
//
// It decodes only what it can render exactly as nft 1.0's delinearisation does, and gives up on the whole
// table at anything else (`die`, caught by the caller, which then runs nft as before):
//   - families ip, ip6 and inet; base chains on the five IP hooks (no device, no offload, no bindings);
//   - matches: iifname/oifname (whole names), meta l4proto and nfproto, ip saddr/daddr/protocol, ip6
//     saddr/daddr (addresses and prefixes), tcp/udp/th sport/dport (one port), ct state;
//   - nft's implicit dependencies (meta nfproto before an ip payload in inet, meta l4proto or ip protocol
//     before a transport header), removed as nft removes them, only when they stand right before;
//   - verdicts accept, drop, return, jump, goto; counter; masquerade; snat and dnat to one IPv4 address
//     with an optional port; a rule comment.
// Sets, maps, ranges, reject, log, fib, limits, any other expression, an address nft would print in a
// mixed IPv4 form, a byte outside printable ASCII: nft reads the table. The three dumps (tables, chains,
// rules) are used only when they carry the same generation (nfgenmsg res_id), so a commit between them
// sends the table to nft too.
//
// A test compares the decoder with nft on a corpus of shapes (test/host/show-nft-decode.test.ts).
//
// VNET_NFTDECODE=0 (ProbeScriptOptions.decodeNft false) turns it off, and probe-perl-ipt-decode.ts with it.

export const PERL_NFT_DECODE = String.raw`
my %NFTD_HOOKS = (0 => 'prerouting', 1 => 'input', 2 => 'forward', 3 => 'output', 4 => 'postrouting');
my @NFTD_STATES = ([1, 'invalid'], [2, 'established'], [4, 'related'], [8, 'new'], [64, 'untracked']);
my %NFTD_VERDICTS = (0 => 'drop', 1 => 'accept', -5 => 'return', -3 => 'jump', -4 => 'goto');

sub nftd_str { my $s = shift; die "str\n" if !defined $s || $s =~ /[^\x20-\x7e]/; $s =~ s/(["\\])/\\$1/g; "\"$s\"" }
sub nftd_name { my $s = shift; die "name\n" unless defined $s; $s =~ s/\0.*//s; $s }
sub nftd_be32 { my $v = shift; die "u32\n" unless defined $v && length $v == 4; unpack('N', $v) }
sub nftd_be64 { my $v = shift; die "u64\n" unless defined $v && length $v == 8; unpack('Q>', $v) }
sub nftd_value { my $d = shift; die "data\n" unless defined $d; my $v = first(attrs($d, 0), 1); die "value\n" unless defined $v; $v }

# The kernel's tables, chains and rules of this namespace, or undef when a dump fails or they disagree on
# the generation.
sub nftd_dump {
  socket(my $nf, 16, 3, 12) or return undef;
  my %gen;
  my @dumps = map { dump_all($nf, (10 << 8) | $_, pack('CCn', 0, 0, 0)) // return undef } 1, 4, 7;
  $gen{ unpack('x2 n', $_) } = 1 for map { @$_ } @dumps;
  return undef if keys %gen > 1;
  my %d = (tables => {}, chains => [], rules => []);
  for my $m (@{ $dumps[0] }) {
    my $a = attrs($m, 4);
    my $name = first($a, 1) // next;
    $d{tables}{ unpack('C', $m) . ' ' . nftd_name($name) } = first($a, 4);
  }
  # Each as [family, top-level attributes, the message itself].
  $d{chains} = [map { [unpack('C', $_), attrs($_, 4), $_] } @{ $dumps[1] }];
  $d{rules} = [map { [unpack('C', $_), attrs($_, 4), $_] } @{ $dumps[2] }];
  return \%d;
}

# What $make gives (or dies with) for a message, once for all the namespaces that hold the same bytes:
# a ruleset loaded alike in many namespaces has the same handles there, so its messages repeat (%SEEN).
sub nftd_once {
  my ($key, $make) = @_;
  my $hit = $SEEN{$key} //= do { my $v = eval { $make->() }; defined $v ? [1, $v] : [0, $@ || "failed\n"] };
  die $hit->[1] unless $hit->[0];
  return $hit->[1];
}

# nft's JSON for one whole table, or die.
sub nftd_table {
  my ($d, $fam, $name) = @_;
  my $family = $NFT_FAMILY{$fam} // die "family\n";
  die "family\n" unless $family =~ /^(?:ip|ip6|inet)$/;
  my $handle = $d->{tables}{"$fam $name"} // die "gone\n";
  my $id = '"family":"' . $family . '","table":' . nftd_str($name);
  my @items = ('{"table":{"family":"' . $family . '","name":' . nftd_str($name) . ',"handle":' . nftd_be64($handle) . '}}');
  my $mine = sub { $_[0]->[0] == $fam && nftd_name(first($_[0]->[1], 1)) eq $name };
  push @items, nftd_chain($id, $_->[1]) for grep { $mine->($_) } @{ $d->{chains} };
  for my $r (grep { $mine->($_) } @{ $d->{rules} }) { push @items, nftd_once("J$r->[2]", sub { nftd_rule($id, $family, $r->[1]) }) }
  return '{"nftables":[' . join(',', @items) . ']}';
}

sub nftd_chain {
  my ($id, $a) = @_;
  die "chain flags\n" if defined first($a, 10) && (nftd_be32(first($a, 10)) & ~1);
  my $json = '{"chain":{' . $id . ',"name":' . nftd_str(nftd_name(first($a, 3))) . ',"handle":' . nftd_be64(first($a, 2));
  if (defined(my $hook = first($a, 4))) {
    my $h = attrs($hook, 0);
    die "hook device\n" if $h->{3} || $h->{4};
    my $hookname = $NFTD_HOOKS{ nftd_be32(first($h, 1)) } // die "hook\n";
    my $policy = nftd_be32(first($a, 5));
    die "policy\n" if $policy > 1;
    my $prio = unpack('l>', pack('N', nftd_be32(first($h, 2))));
    $json .= ',"type":' . nftd_str(nftd_name(first($a, 7))) . ',"hook":"' . $hookname . '","prio":' . $prio
      . ',"policy":"' . ($policy ? 'accept' : 'drop') . '"';
  }
  return $json . '}}';
}

sub nftd_rule {
  my ($id, $family, $a) = @_;
  die "compat\n" if $a->{5};
  my @exprs = map { my $e = attrs($_, 0); [nftd_name(first($e, 1)), attrs(first($e, 2) // '', 0)] }
    @{ attrs(first($a, 4) // '', 0)->{1} || [] };
  my $statements = nftd_statements($family, nftd_matches(\@exprs));
  my $json = '{"rule":{' . $id . ',"chain":' . nftd_str(nftd_name(first($a, 2))) . ',"handle":' . nftd_be64(first($a, 3));
  if (defined(my $udata = first($a, 7))) {
    my ($type, $text) = unpack('C C/a', $udata);
    die "userdata\n" unless $type == 0 && 2 + length $text == length $udata;
    $json .= ',"comment":' . nftd_str(nftd_name($text));
  }
  return $json . ',"expr":[' . join(',', @$statements) . ']}}';
}

# The expressions as statements: each load (payload, meta, ct) with its optional bitwise and its cmp is one
# match; immediates into data registers are kept for the nat that reads them.
sub nftd_matches {
  my $exprs = shift;
  my (@out, $load, %regs);
  for my $x (@$exprs) {
    my ($kind, $e) = @$x;
    if ($kind eq 'payload' || $kind eq 'meta' || $kind eq 'ct') {
      die "load\n" if $load || $e->{3} && $kind eq 'meta' || $e->{4} && $kind eq 'ct' || $e->{5} && $kind eq 'payload';
      die "ct direction\n" if $kind eq 'ct' && $e->{3};
      $load = { kind => $kind, reg => nftd_be32(first($e, 1)), e => $e };
    } elsif ($kind eq 'bitwise') {
      die "bitwise\n" unless $load && !$load->{mask} && nftd_be32(first($e, 1)) == $load->{reg} && nftd_be32(first($e, 2)) == $load->{reg};
      die "bitwise op\n" if defined first($e, 6) && nftd_be32(first($e, 6)) != 0 || $e->{7};
      die "xor\n" if nftd_value(first($e, 5)) =~ /[^\0]/;
      $load->{mask} = nftd_value(first($e, 4));
    } elsif ($kind eq 'cmp') {
      die "cmp\n" unless $load && nftd_be32(first($e, 1)) == $load->{reg};
      my $op = nftd_be32(first($e, 2));
      die "cmp op\n" if $op > 1;
      push @out, { %$load, op => $op, data => nftd_value(first($e, 3)) };
      undef $load;
    } elsif ($kind eq 'immediate') {
      die "load\n" if $load;
      my $reg = nftd_be32(first($e, 1));
      my $data = attrs(first($e, 2) // die("immediate\n"), 0);
      if ($reg == 0) { push @out, { kind => 'verdict', v => attrs(first($data, 2) // die("verdict\n"), 0) } }
      else { $regs{$reg} = first($data, 1) // die "immediate\n" }
    } elsif ($kind eq 'counter' || $kind eq 'masq' || $kind eq 'nat') {
      die "load\n" if $load;
      push @out, { kind => $kind, e => $e, regs => {%regs} };
      %regs = ();
    } else {
      die "expression $kind\n";
    }
  }
  die "dangling\n" if $load || %regs;
  return \@out;
}

# The statements' JSON, nft's implicit dependencies removed as nft removes them (see the top of the file).
sub nftd_statements {
  my ($family, $list) = @_;
  my @s = map { +{ %$_, role => nftd_role($_) } } @$list;
  my ($nctx, $tctx) = ($family eq 'inet' ? undef : $family, undef);
  for my $i (0 .. $#s) {
    my ($x, $prev) = ($s[$i], $i ? $s[$i - 1] : undef);
    if ($x->{role} eq 'net') {
      if ($family eq 'inet' && $prev && $prev->{role} eq 'nfproto') {
        $prev->{gone} = 1;
        $nctx = { 2 => 'ip', 10 => 'ip6' }->{ unpack('C', $prev->{data}) } // die "nfproto\n";
      }
      die "no network context\n" unless defined $nctx;
      $x->{json} = nftd_network($nctx, $x);
    } elsif ($x->{role} eq 'th') {
      if ($prev && ($prev->{role} eq 'l4' || $family eq 'ip' && $prev->{role} eq 'ipproto')) {
        $prev->{gone} = 1;
        $tctx = { 6 => 'tcp', 17 => 'udp' }->{ unpack('C', $prev->{data}) } // die "transport\n";
      }
      die "transport context\n" if !defined $tctx && grep { $_->{role} =~ /^(?:l4|ipproto)/ } @s[0 .. $i - 1];
      $x->{json} = nftd_transport($tctx // 'th', $x);
    }
  }
  my @kept = grep { !$_->{gone} } @s;
  die "kept dependency\n" if grep({ $_->{role} eq 'net' } @s) && grep({ $_->{role} eq 'nfproto' } @kept)
    || grep({ $_->{role} eq 'th' } @s) && grep({ $_->{role} =~ /^(?:l4|ipproto)/ } @kept);
  return [map { $_->{json} // nftd_statement($family, $_) } @kept];
}

# What a statement can be to nft's dependency removal: nfproto and l4 (meta, ==; l4x: any other l4proto
# test), net (a network header field; ipproto once read as ip protocol ==, ipprotox as !=), th (a
# transport header field), or other.
sub nftd_role {
  my $x = shift;
  if ($x->{kind} eq 'meta' && $x->{op} == 0 && !$x->{mask} && length $x->{data} == 1) {
    my $key = nftd_be32(first($x->{e}, 2));
    return $key == 15 ? 'nfproto' : $key == 16 ? 'l4' : 'other';
  }
  return 'l4x' if $x->{kind} eq 'meta' && nftd_be32(first($x->{e}, 2)) == 16;
  return 'other' unless $x->{kind} eq 'payload';
  my $base = nftd_be32(first($x->{e}, 2));
  return $base == 1 ? 'net' : $base == 2 ? 'th' : die "payload base\n";
}

sub nftd_match { my ($op, $left, $right) = @_; '{"match":{"op":"' . $op . '","left":' . $left . ',"right":' . $right . '}}' }
sub nftd_eq { my $x = shift; $x->{op} ? '!=' : '==' }
sub nftd_proto { my $name = getprotobynumber(unpack('C', shift)); die "protocol\n" unless defined $name; nftd_str($name) }

sub nftd_network {
  my ($ctx, $x) = @_;
  my ($offset, $len) = (nftd_be32(first($x->{e}, 3)), nftd_be32(first($x->{e}, 4)));
  die "length\n" unless length $x->{data} == $len;
  my $left = sub { '{"payload":{"protocol":"' . $ctx . '","field":"' . $_[0] . '"}}' };
  if ($ctx eq 'ip' && $offset == 9 && $len == 1 && !$x->{mask}) {
    $x->{role} = $x->{op} == 0 ? 'ipproto' : 'ipprotox';
    return nftd_match(nftd_eq($x), $left->('protocol'), nftd_proto($x->{data}));
  }
  my ($size, %fields) = $ctx eq 'ip' ? (4, 12 => 'saddr', 16 => 'daddr') : (16, 8 => 'saddr', 24 => 'daddr');
  my $field = $fields{$offset} // die "network field\n";
  die "length\n" if $len < 1 || $len > $size;
  my $bits = $len * 8;
  if (defined(my $mask = $x->{mask})) {
    die "mask\n" unless length $mask == $len && ($x->{data} & $mask) eq $x->{data};
    my $ones = unpack('B*', $mask);
    die "mask\n" unless $ones =~ /^(1*)0*$/ && length($1) < $size * 8;
    $bits = length $1;
  }
  my $addr = $x->{data} . ("\0" x ($size - $len));
  my $text = $size == 4 ? join('.', unpack('C4', $addr)) : nftd_ip6($addr);
  my $right = $bits == $size * 8 ? "\"$text\"" : '{"prefix":{"addr":"' . $text . '","len":' . $bits . '}}';
  return nftd_match(nftd_eq($x), $left->($field), $right);
}

sub nftd_transport {
  my ($ctx, $x) = @_;
  my ($offset, $len) = (nftd_be32(first($x->{e}, 3)), nftd_be32(first($x->{e}, 4)));
  die "transport field\n" unless $len == 2 && length $x->{data} == 2 && !$x->{mask} && ($offset == 0 || $offset == 2);
  my $left = '{"payload":{"protocol":"' . $ctx . '","field":"' . ($offset ? 'dport' : 'sport') . '"}}';
  return nftd_match(nftd_eq($x), $left, unpack('n', $x->{data}));
}

# An IPv6 address as glibc's inet_ntop writes it (nft prints with it); the forms with an IPv4 tail are left to nft.
sub nftd_ip6 {
  my @w = unpack('n8', shift);
  my ($best, $bestlen, $start, $run) = (-1, 0, -1, 0);
  for my $i (0 .. 7) {
    if ($w[$i]) { $run = 0; next }
    $start = $i unless $run++;
    ($best, $bestlen) = ($start, $run) if $run > $bestlen;
  }
  ($best, $bestlen) = (-1, 0) if $bestlen < 2;
  die "ipv4 tail\n" if $best == 0 && ($bestlen == 6 || $bestlen == 5 && $w[5] == 0xffff);
  my $text = '';
  for my $i (0 .. 7) {
    if ($best >= 0 && $i >= $best && $i < $best + $bestlen) { $text .= ':' if $i == $best; next }
    $text .= ':' if $i;
    $text .= sprintf('%x', $w[$i]);
  }
  $text .= ':' if $best >= 0 && $best + $bestlen == 8;
  return $text;
}

sub nftd_statement {
  my ($family, $x) = @_;
  my $kind = $x->{kind};
  return nftd_meta($x) if $kind eq 'meta';
  return nftd_ct($x) if $kind eq 'ct';
  return nftd_verdict($x->{v}) if $kind eq 'verdict';
  return '{"counter":{"packets":' . nftd_be64(first($x->{e}, 2)) . ',"bytes":' . nftd_be64(first($x->{e}, 1)) . '}}' if $kind eq 'counter';
  if ($kind eq 'masq') { die "masquerade options\n" if %{ $x->{e} }; return '{"masquerade":null}' }
  return nftd_nat($family, $x) if $kind eq 'nat';
  die "statement $kind\n";
}

sub nftd_meta {
  my $x = shift;
  my $key = nftd_be32(first($x->{e}, 2));
  die "mask\n" if $x->{mask};
  if ($key == 6 || $key == 7) {
    my $name = nftd_name($x->{data});
    die "interface name\n" unless length $x->{data} == 16 && $x->{data} eq $name . ("\0" x (16 - length $name)) && $name =~ m{^[^*\\"]+$};
    return nftd_match(nftd_eq($x), '{"meta":{"key":"' . ($key == 6 ? 'iifname' : 'oifname') . '"}}', nftd_str($name));
  }
  die "meta length\n" unless length $x->{data} == 1;
  return nftd_match(nftd_eq($x), '{"meta":{"key":"l4proto"}}', nftd_proto($x->{data})) if $key == 16;
  my $nfproto = { 2 => 'ipv4', 10 => 'ipv6' }->{ unpack('C', $x->{data}) };
  return nftd_match(nftd_eq($x), '{"meta":{"key":"nfproto"}}', "\"$nfproto\"") if $key == 15 && defined $nfproto;
  die "meta key\n";
}

# ct state: & mask != 0 is "in" those states (one name, or a list in bit order); == and != name one state.
sub nftd_ct {
  my $x = shift;
  die "ct key\n" unless nftd_be32(first($x->{e}, 2)) == 0 && length $x->{data} == 4;
  my ($bits, $op) = (unpack('L', $x->{data}), nftd_eq($x));
  if (defined $x->{mask}) {
    die "ct state test\n" unless $x->{op} == 1 && $bits == 0 && length $x->{mask} == 4;
    ($bits, $op) = (unpack('L', $x->{mask}), 'in');
  }
  my @names = map { $bits & $_->[0] ? $_->[1] : () } @NFTD_STATES;
  my $known = 0;
  $known |= $_->[0] for grep { $bits & $_->[0] } @NFTD_STATES;
  die "ct state bits\n" unless @names && $known == $bits && ($op eq 'in' || @names == 1);
  my $right = @names == 1 ? "\"$names[0]\"" : '[' . join(',', map { "\"$_\"" } @names) . ']';
  return nftd_match($op, '{"ct":{"key":"state"}}', $right);
}

sub nftd_verdict {
  my $v = shift;
  die "chain id\n" if $v->{3};
  my $verdict = $NFTD_VERDICTS{ unpack('l>', pack('N', nftd_be32(first($v, 1)))) } // die "verdict\n";
  return "{\"$verdict\":null}" unless $verdict eq 'jump' || $verdict eq 'goto';
  return "{\"$verdict\":{\"target\":" . nftd_str(nftd_name(first($v, 2))) . '}}';
}

# snat/dnat to one IPv4 address (and one port), from the immediates just before it.
sub nftd_nat {
  my ($family, $x) = @_;
  my ($e, $regs) = ($x->{e}, $x->{regs});
  my $type = { 0 => 'snat', 1 => 'dnat' }->{ nftd_be32(first($e, 1)) } // die "nat type\n";
  die "nat family\n" unless nftd_be32(first($e, 2)) == 2;
  my $addr_reg = nftd_be32(first($e, 3));
  die "nat range\n" unless nftd_be32(first($e, 4)) == $addr_reg && length($regs->{$addr_reg} // '') == 4;
  my $json = '{"' . $type . '":{' . ($family eq 'inet' ? '"family":"ip",' : '') . '"addr":"' . join('.', unpack('C4', $regs->{$addr_reg})) . '"';
  my $used = 1;
  if (defined first($e, 5)) {
    my $port_reg = nftd_be32(first($e, 5));
    die "nat port range\n" unless nftd_be32(first($e, 6)) == $port_reg && $port_reg != $addr_reg && length($regs->{$port_reg} // '') == 2;
    $json .= ',"port":' . unpack('n', $regs->{$port_reg});
    $used = 2;
  }
  die "nat flags\n" unless nftd_be32(first($e, 7)) == ($used == 2 ? 3 : 1) && keys %$regs == $used && !$e->{8};
  return $json . '}}';
}
`;

