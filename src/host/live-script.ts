// The sh scripts of a live check (live-check.ts): a short-lived listener, the sender (ping, or a TCP/UDP
// connect), and `ip route get` in the namespaces of a path. Each is built from validated names and
// addresses joined with the one quoting function; Perl's IO::Socket::IP (in perl-base, on every Debian
// host) does the sockets, for IPv4 and IPv6 alike. Every wait is bounded here, in the script itself, so
// nothing outlives a check even when the connection to the host drops. Pure.

import { parseIp } from '../model/cidr';
import { VnetError } from '../model/errors';
import { checkNamespaceName } from '../model/names';
import { shellCommand } from '../model/shell';
import type { Namespace } from '../model/topology';

/** Every line a live script prints for VNet starts with this. */
export const LIVE_MARK = 'vnet-live';

/** How long the listener waits for the packet before it gives up on its own, in seconds. */
export const LISTENER_WAIT_SEC = 20;
/** How long the sender waits for a TCP connection or a UDP answer, in seconds. */
export const SENDER_WAIT_SEC = 5;
/** Echo requests per ping (half a second apart, each answer awaited up to a second). */
export const PING_COUNT = 3;
/** UDP datagrams at most, spread over SENDER_WAIT_SEC. */
export const UDP_TRIES = 5;

/** argv that runs a command inside a namespace: as is in the root one, else through nsenter. */
export function inNamespace(ns: Namespace, argv: readonly string[]): string[] {
  if (ns.root) return [...argv];
  if (ns.anonymous) {
    const path = ns.path?.startsWith('pid:') ? `/proc/${ns.path.slice(4)}/ns/net` : ns.path;
    if (!path || !path.startsWith('/') || /[\0-\x1f]/.test(path)) {
      throw new VnetError('VN-LIVE-NAMESPACE', `Namespace ${ns.name} has no path to enter it by. Read the host again (vnet show) and retry.`);
    }
    return ['nsenter', `--net=${path}`, '--', ...argv];
  }
  const problem = checkNamespaceName(ns.name);
  if (problem) throw new VnetError('VN-LIVE-NAMESPACE', problem.message);
  return ['nsenter', `--net=/run/netns/${ns.name}`, '--', ...argv];
}

function checkedAddress(address: string): string {
  if (!parseIp(address)) throw new VnetError('VN-LIVE-ADDRESS', `"${address}" is not an address a live check can send to.`);
  return address;
}

// Prints `ready` once bound (or `already` when something holds the port), then `got ADDR PORT` for the
// first connection or datagram. TCP ends there; UDP answers every datagram (the sender tries again when an
// answer is lost) until VNet stops it. alarm bounds the whole life.
const LISTENER_PERL = [
  'use strict; use IO::Socket::IP; $| = 1; $0 = "vnet-live-listener";',
  'my ($proto, $any, $port, $wait) = @ARGV;',
  'my $s = IO::Socket::IP->new(LocalHost => $any, LocalPort => $port, Proto => $proto, ($proto eq "tcp" ? (Listen => 1, ReuseAddr => 1) : ()));',
  'if (!$s) { print $!{EADDRINUSE} ? "vnet-live already\\n" : "vnet-live bind-failed $!\\n"; exit 0 }',
  '$SIG{ALRM} = sub { print "vnet-live quiet\\n"; exit 0 }; alarm $wait;',
  'print "vnet-live ready\\n";',
  'if ($proto eq "tcp") { my $c = $s->accept or exit 0; print "vnet-live got ", $c->sockhost, " ", $c->sockport, "\\n"; close $c; exit 0 }',
  'my $at = $any =~ /^(0\\.0\\.0\\.0|::)$/ ? "-" : $s->sockhost; my $heard = 0;',
  'while (defined(my $peer = $s->recv(my $data, 512))) { print "vnet-live got $at ", $s->sockport, "\\n" if !$heard++; $s->send("vnet-live echo", 0, $peer) }',
].join('\n');

/**
 * The listener for a TCP/UDP check, in `ns`: says `already` when `ss` shows something listening on the
 * port there (or the port cannot be bound), else listens. TCP listens on every address of the namespace
 * (the connection says which one it reached). UDP binds the address the packet is headed to, when known:
 * its answer must come from that address for the sender to take it, and a socket bound to every address
 * answers from whichever the route back picks.
 */
export function listenerScript(ns: Namespace, protocol: 'tcp' | 'udp', port: number, family: 4 | 6, address: string | null): string {
  const any = family === 6 ? '::' : '0.0.0.0';
  const bind = protocol === 'udp' && address !== null ? checkedAddress(address) : any;
  const ss = inNamespace(ns, ['ss', '-H', protocol === 'tcp' ? '-ltn' : '-lun', `sport = :${port}`]);
  const perl = inNamespace(ns, ['perl', '-e', LISTENER_PERL, protocol, bind, String(port), String(LISTENER_WAIT_SEC)]);
  return [
    `if [ -n "$(${shellCommand(ss)} 2>/dev/null)" ]; then echo ${LIVE_MARK} already; exit 0; fi`,
    `exec ${shellCommand(perl)}`,
    '',
  ].join('\n');
}

// TCP: `connected`, or `failed REASON` (the kernel retries the SYN itself). UDP: one datagram, again after
// each silent share of the wait (a first packet may be lost while a neighbour is resolved), then
// `answered`, `no-answer` or `failed REASON`.
const SENDER_PERL = [
  'use strict; use IO::Socket::IP; use IO::Select; $| = 1; $0 = "vnet-live-sender";',
  'my ($proto, $dst, $port, $src, $wait, $tries) = @ARGV;',
  'my %o = (PeerHost => $dst, PeerPort => $port, Proto => $proto, Timeout => $wait);',
  '$o{LocalHost} = $src if $src ne "";',
  'my $s = IO::Socket::IP->new(%o) or do { print "vnet-live failed $!\\n"; exit 0 };',
  'if ($proto eq "tcp") { print "vnet-live connected\\n"; close $s; exit 0 }',
  'my $select = IO::Select->new($s);',
  'for my $try (1 .. $tries) {',
  '  defined $s->send("vnet-live") or do { print "vnet-live failed $!\\n"; exit 0 };',
  '  next if !$select->can_read($wait / $tries);',
  '  my $from = $s->recv(my $data, 512);',
  '  print defined $from ? "vnet-live answered\\n" : "vnet-live failed $!\\n"; exit 0;',
  '}',
  'print "vnet-live no-answer\\n";',
].join('\n');

/** The sender, in `ns`: a bounded ping, or one TCP connect / UDP round trip, from `source` when given. */
export function senderScript(ns: Namespace, protocol: 'icmp' | 'tcp' | 'udp', destination: string, port: number | null, source: string | null): string {
  const to = checkedAddress(destination);
  const from = source === null ? null : checkedAddress(source);
  if (protocol === 'icmp') {
    const ping = inNamespace(ns, ['ping', '-n', '-c', String(PING_COUNT), '-i', '0.5', '-W', '1', ...(from ? ['-I', from] : []), to]);
    return `${shellCommand(ping)} 2>&1; echo "${LIVE_MARK} ping-exit $?"\n`;
  }
  if (port === null) throw new VnetError('VN-LIVE-PORT', `A ${protocol} check needs a port.`);
  const perl = inNamespace(ns, ['perl', '-e', SENDER_PERL, protocol, to, String(port), from ?? '', String(SENDER_WAIT_SEC), String(UDP_TRIES)]);
  return `${shellCommand(perl)} 2>&1\n`;
}

export interface RouteQuery {
  ns: Namespace;
  destination: string;
}

/** `ip route get` for each query, each answer after a `vnet-live route N` line. */
export function routeGetScript(queries: readonly RouteQuery[]): string {
  return queries.map((query, i) => {
    const get = inNamespace(query.ns, ['ip', 'route', 'get', checkedAddress(query.destination)]);
    return `echo "${LIVE_MARK} route ${i}"; ${shellCommand(get)} 2>&1\n`;
  }).join('');
}

/** The answers of routeGetScript, by query index: each one's first line. */
export function parseRouteGets(stdout: string, count: number): string[] {
  const answers: string[] = new Array<string>(count).fill('no answer');
  let current = -1;
  for (const line of stdout.split('\n')) {
    const mark = new RegExp(`^${LIVE_MARK} route (\\d+)$`).exec(line);
    if (mark) { current = Number(mark[1]); continue; }
    if (current >= 0 && current < count && answers[current] === 'no answer' && line.trim()) answers[current] = line.trim();
  }
  return answers;
}
