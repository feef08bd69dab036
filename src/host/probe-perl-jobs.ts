// The Perl reader's children (see probe-netlink-perl.ts): iptables-save and `nft -j list table`, run in a
// namespace the reader has visited, a few at a time, without making the reader wait. A child starts at
// once when there is room; otherwise it waits in a queue, holding its namespace open, and starts as soon
// as another ends, entering its namespace itself (setns) before exec, wherever the reader is by then. So
// the reader goes on through the other namespaces at its own pace while the children use the other core,
// and their cost grows with the namespaces that hold rules, not with all of them.
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

/** Children waiting for a place, at most: each holds its namespace's descriptor open meanwhile. */
export const PROBE_CHILDREN_QUEUED = 256;

export const PERL_JOBS = String.raw`
my (%jobs_running, @jobs_ready, @jobs_queued);

# A namespace's children, printed together once the namespace is closed and all of them have ended. $ns is
# a handle on the namespace, for the children that start after the reader has left it.
sub jobs_group { return { inode => $_[0], ns => $_[1], jobs => [], left => 0, open => 1 } }

# Adds a job that runs nothing (its print sub says why).
sub job_add { my ($group, $job) = @_; push @{ $group->{jobs} }, $job }

# Queues @argv, with stdin from /dev/null and stdout into a pipe; $job->{out} and {rc} hold the result.
sub job_start {
  my ($group, $job, $quiet, @argv) = @_;
  job_add($group, $job);
  @$job{'out', 'quiet', 'argv', 'group'} = ('', $quiet, \@argv, $group);
  $group->{left}++;
  push @jobs_queued, $job;
  jobs_pump(sub { @jobs_queued > ${PROBE_CHILDREN_QUEUED} });
}

# Forks the child: it enters the job's namespace, then runs the program.
sub jobs_spawn {
  my $job = shift;
  $| = 1; $| = 0;
  my $pid = open(my $pipe, '-|');
  if (!defined $pid) { $job->{rc} = 127; jobs_ended($job); return }
  if ($pid == 0) {
    # Nothing of the reader may run on in the child, not even after an error.
    eval {
      syscall($SETNS, fileno($job->{group}{ns}), 0x40000000) == 0 or die;
      open(STDIN, '<', '/dev/null');
      open(STDERR, '>', '/dev/null') if $job->{quiet};
      exec { $job->{argv}[0] } @{ $job->{argv} };
    };
    exit 127;
  }
  $job->{pipe} = $pipe;
  $jobs_running{fileno $pipe} = $job;
}

# A namespace is ready to print when its last child has ended and the reader has closed it (while it is
# open, more children may still come, and they need its handle).
sub jobs_ended {
  my $group = delete $_[0]->{group};
  return if --$group->{left} || $group->{open};
  delete $group->{ns};
  push @jobs_ready, $group;
}

# The namespace has no more children to start. Called last in its visit: between namespaces is the only
# place where the groups that are complete get printed, so no record lands amid another one.
sub jobs_close {
  my $group = shift;
  $group->{open} = 0;
  delete $group->{ns} unless $group->{left};
  push @jobs_ready, $group if @{ $group->{jobs} } && !$group->{left};
  jobs_pump();
  jobs_flush();
}

sub jobs_flush {
  for my $group (splice @jobs_ready) {
    mark("nsrules $group->{inode}");
    $_->{print}->($_) for @{ $group->{jobs} };
  }
}

# Starts queued children while there is room, and reads what the running ones have written; a child that
# ended is reaped (close waits for it). Blocks only while $wait->() says so.
sub jobs_pump {
  my $wait = shift;
  while (1) {
    jobs_spawn(shift @jobs_queued) while @jobs_queued && keys(%jobs_running) < ${PROBE_CHILDREN_IN_FLIGHT};
    return unless %jobs_running;
    my $rin = '';
    vec($rin, $_, 1) = 1 for keys %jobs_running;
    my $n = select(my $rout = $rin, undef, undef, $wait && $wait->() ? undef : 0);
    return if $n == 0;
    if ($n < 0) { $rout = ''; vec($rout, (keys %jobs_running)[0], 1) = 1 }
    for my $fd (keys %jobs_running) {
      next unless vec($rout, $fd, 1);
      my $job = $jobs_running{$fd};
      next if sysread($job->{pipe}, $job->{out}, 65536, length $job->{out});
      delete $jobs_running{$fd};
      close(delete $job->{pipe});
      $job->{rc} = $? >> 8;
      jobs_ended($job);
    }
  }
}
`;
