// The Perl reader's part for native nftables (see probe-netlink-perl.ts): in a namespace whose kernel holds
// nf_tables tables, find those iptables-nft does not own and print each one's `nft -j list table` as
// one line of hex, so that no byte of a table, chain or comment can change the parse:
//
//   J family name-hex exit-code json-hex     exit-code `-` when nft is not installed, `unsafe` when the
//                                            name is one nft's command line cannot be given safely
//
// iptables-nft's tables are told apart as isIptablesNftTable (nft-json-parse.ts) does: family and name
// are iptables', and every base chain has an iptables built-in name (one NFT_MSG_GETCHAIN dump, only in
// namespaces that hold such tables). The children run in that namespace (probe-perl-jobs.ts), beside its
// iptables-save; their lines follow, in `nl` sections, in the namespace's `nsrules` record.
//
// A table the reader can decode itself (probe-perl-nft-decode.ts) needs no nft: its J line carries the
// same JSON, with exit code 0.
//
// Environment: VNET_NFTJ, the nft program, or empty; VNET_NFTDECODE=0 turns both of the reader's decoders
// off (every native table to nft, every iptables-nft table to iptables-save).

export const PERL_NFT = String.raw`
my $NFTJ = $ENV{VNET_NFTJ};
my $NFT_DECODE = ($ENV{VNET_NFTDECODE} // '1') ne '0';
my %NFT_FAMILY = (1 => 'inet', 2 => 'ip', 3 => 'arp', 5 => 'netdev', 7 => 'bridge', 10 => 'ip6');
my %IPT_TABLES = (
  ip => { map { $_ => 1 } qw(filter nat mangle raw security) },
  ip6 => { map { $_ => 1 } qw(filter nat mangle raw security) },
  arp => { filter => 1 },
  bridge => { map { $_ => 1 } qw(filter nat broute) },
);
my %IPT_CHAINS = map { $_ => 1 } qw(PREROUTING INPUT FORWARD OUTPUT POSTROUTING BROUTING);

sub ipt_named { my $f = $NFT_FAMILY{$_[0]->[0]} // ''; $IPT_TABLES{$f} && $IPT_TABLES{$f}{$_[0]->[1]} }

# "family table" of every table holding a base chain that iptables would not have named.
sub nft_odd_base_chains {
  socket(my $nf, 16, 3, 12) or return {};
  my $msgs = dump_all($nf, (10 << 8) | 4, pack('CCn', 0, 0, 0)) or return {};
  my %odd;
  for my $m (@$msgs) {
    my $a = attrs($m, 4);
    next unless defined first($a, 4);
    my ($table, $name) = (first($a, 1), first($a, 3));
    next unless defined $table && defined $name;
    s/\0.*//s for $table, $name;
    $odd{unpack('C', $m) . " $table"} = 1 unless $IPT_CHAINS{$name};
  }
  return \%odd;
}

# Starts nft -j list table for each native table, as children of the namespace's group (probe-perl-jobs.ts).
sub nft_native_start {
  my ($group, $dump, @tables) = @_;
  my $odd = (grep { ipt_named($_) } @tables) ? nft_odd_base_chains() : {};
  my @native = grep { !ipt_named($_) || $odd->{"$_->[0] $_->[1]"} } @tables;
  for my $t (@native) {
    my $family = $NFT_FAMILY{$t->[0]} // next;
    my $job = { family => $family, name => $t->[1], rc => '-', out => '', print => \&nft_native_print };
    # Decoded here (probe-perl-nft-decode.ts), or nft reads it.
    my $json = $dump && eval { nftd_table($dump, @$t) };
    if (defined $json) { @$job{'rc', 'out'} = (0, $json); job_add($group, $job); next }
    if (!$NFTJ) { job_add($group, $job); next }
    # nft joins its arguments into one command line and parses it: only a plain identifier is safe there.
    if ($t->[1] !~ m{^[A-Za-z][A-Za-z0-9/_.-]*$}) { $job->{rc} = 'unsafe'; job_add($group, $job); next }
    job_start($group, $job, 1, $NFTJ, '-j', 'list', 'table', $family, $t->[1]);
  }
}

# A job's J line, in an "nl" section of the namespace (its lines join the namespace's first one).
sub nft_native_print {
  my $job = shift;
  mark('nl');
  print join(' ', 'J', $job->{family}, hex_of($job->{name}), $job->{rc}, hex_of($job->{out})), "\n";
}
`;
