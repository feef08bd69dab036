// The Perl reader's children (see probe-netlink-perl.ts): iptables-save and `nft -j list table`, started in
// the namespace the reader has just entered (a child keeps the namespace it was forked in), a few at a
// time, without waiting for them. Each child's output comes back through its own pipe, and the reader
// goes on to the next namespaces meanwhile. So the children of different namespaces overlap each other
// and the netlink dumps, and their cost grows with the namespaces that hold rules, not with all of them.
//
// When every child of a namespace has ended, its output is printed whole, between two namespaces' visits,
// as one record after the namespace's own (often after other namespaces'), naming the namespace by inode:
//
//   nsrules inode            then, per child in the order started, what its `print` sub writes
//                            (ipt/iptrc sections, or an nl section of J lines)
//
// The reader never prints while a child writes to the same stream, so no record is interleaved, and a
// child's output is body text under the reader's unforgeable mark.

/** Children running at once: enough to keep two cores and the reader busy, few enough for a small host. */
export const PROBE_CHILDREN_IN_FLIGHT = 6;

export const PERL_JOBS = String.raw`
my (%jobs_running, @jobs_ready);

# A namespace's children, printed together once the namespace is closed and all of them have ended.
sub jobs_group { return { inode => $_[0], jobs => [], left => 0, open => 1 } }

# Adds a job that runs nothing (its print sub says why).
sub job_add { my ($group, $job) = @_; push @{ $group->{jobs} }, $job }

# Starts @argv with stdin from /dev/null and stdout into a pipe; $job->{out} and {rc} hold the result.
sub job_start {
  my ($group, $job, $quiet, @argv) = @_;
  job_add($group, $job);
  $job->{out} = '';
  jobs_pump(${PROBE_CHILDREN_IN_FLIGHT} - 1);
  $| = 1; $| = 0;
  my $pid = open(my $pipe, '-|');
  if (!defined $pid) { $job->{rc} = 127; return }
  if ($pid == 0) {
    open(STDIN, '<', '/dev/null');
    open(STDERR, '>', '/dev/null') if $quiet;
    exec { $argv[0] } @argv;
    exit 127;
  }
  $job->{pipe} = $pipe;
  $job->{group} = $group;
  $group->{left}++;
  $jobs_running{fileno $pipe} = $job;
}

# The namespace has no more children to start. Called last in its visit: between namespaces is the only
# place where the groups that are complete get printed, so no record lands amid another one.
sub jobs_close {
  my $group = shift;
  $group->{open} = 0;
  push @jobs_ready, $group if @{ $group->{jobs} } && !$group->{left};
  jobs_pump(1e9);
  jobs_flush();
}

sub jobs_flush {
  for my $group (splice @jobs_ready) {
    mark("nsrules $group->{inode}");
    $_->{print}->($_) for @{ $group->{jobs} };
  }
}

# Reads what the children have written; blocks while more than $max of them run. A child that ended is
# reaped (close waits for it), and its namespace is ready to print when it was the last one there.
sub jobs_pump {
  my $max = shift;
  while (%jobs_running) {
    my $rin = '';
    vec($rin, $_, 1) = 1 for keys %jobs_running;
    my $n = select(my $rout = $rin, undef, undef, keys(%jobs_running) > $max ? undef : 0);
    return if $n == 0;
    if ($n < 0) { $rout = ''; vec($rout, (keys %jobs_running)[0], 1) = 1 }
    for my $fd (keys %jobs_running) {
      next unless vec($rout, $fd, 1);
      my $job = $jobs_running{$fd};
      next if sysread($job->{pipe}, $job->{out}, 65536, length $job->{out});
      delete $jobs_running{$fd};
      close(delete $job->{pipe});
      $job->{rc} = $? >> 8;
      my $group = delete $job->{group};
      push @jobs_ready, $group if --$group->{left} == 0 && !$group->{open};
    }
  }
}
`;
