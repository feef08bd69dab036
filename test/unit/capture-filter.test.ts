// What a capture accepts before anything reaches a host: filters in pcap-filter(7)'s words and operators
// only, names checked as the kernel checks them, the filter as ONE argument after `--`, and file names
// for captures on several interfaces.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CAPTURE_FILTER_MAX_LENGTH, captureFileNames, capturePointLabel, checkCaptureFilter, checkCapturePoint, mergedCaptureFileName,
  packetCountText, parseCapturePoint,
} from '../../src/model/capture';
import { captureStartScript, captureStopScript, captureSweepScript, parseSweep, tcpdumpArgv } from '../../src/host/capture-script';
import { shellCommand } from '../../src/model/shell';
import { isVnetError } from '../../src/model/errors';

const GOOD_FILTERS = [
  '',
  'icmp',
  'tcp port 80 and not host 10.0.0.1',
  'ip6 and src net fd00::/8',
  'icmp[icmptype] == icmp-echo',
  'ether host aa:bb:cc:dd:ee:ff',
  'tcp[tcpflags] & (tcp-syn|tcp-fin) != 0',
  'len > 100 && len <= 1500 || vlan 10',
  'udp portrange 5000-5100, icmp6',
  'ip[2:2] * 2 + 1 > 40',
];

const HOSTILE_FILTERS = [
  'icmp; reboot',
  'icmp && $(reboot)',
  'icmp `reboot`',
  "icmp' or '1",
  'icmp" or "1',
  'icmp\nreboot',
  'icmp\treboot',
  'icmp \\ reboot',
  'icmp > /etc/passwd ; x',
  'icmp # comment',
  'ip {}',
  '-w /tmp/x',
  '  -Z root',
  'icmp\u0000',
  'ícmp',
];

test('filters in pcap-filter words and operators are accepted', () => {
  for (const filter of GOOD_FILTERS) assert.equal(checkCaptureFilter(filter), null, filter);
});

test('quotes, $, backticks, ;, #, braces, backslashes, control characters and a leading "-" are refused, saying what to write', () => {
  for (const filter of HOSTILE_FILTERS) {
    const problem = checkCaptureFilter(filter);
    assert.ok(problem, JSON.stringify(filter));
    assert.match(problem, /capture filter/);
    assert.doesNotMatch(problem, /[\n\t\u0000]/, 'the message never carries a control character raw');
  }
  assert.match(checkCaptureFilter('icmp;x')!, /not ";"/);
  assert.equal(checkCaptureFilter('a'.repeat(CAPTURE_FILTER_MAX_LENGTH)), null);
  assert.match(checkCaptureFilter('a'.repeat(CAPTURE_FILTER_MAX_LENGTH + 1))!, /at most 512/);
});

test('the filter is one argument after "--" in tcpdump\'s argv, and the script quotes it as one word', () => {
  const point = { namespace: 'ns 1', interface: 'veth0' };
  const filter = 'icmp and (host 10.0.0.1 or host 10.0.0.2)';
  const argv = tcpdumpArgv(point, { filter, count: 5 });
  assert.deepEqual(argv, ['tcpdump', '-U', '--immediate-mode', '-n', '-w', '-', '-i', 'veth0', '-c', '5', '--', filter]);
  const script = captureStartScript(point, { filter, count: 5 });
  assert.ok(script.includes(`${shellCommand(['ip', 'netns', 'exec', 'ns 1', ...argv])} &`), script);
  assert.ok(script.includes(`'${filter}'`));
  assert.ok(script.includes("[ -e '/run/netns/ns 1' ]"));
  assert.deepEqual(tcpdumpArgv(point, {}), ['tcpdump', '-U', '--immediate-mode', '-n', '-w', '-', '-i', 'veth0']);
});

test('the root namespace runs tcpdump directly; an anonymous one is entered by its path', () => {
  const root = captureStartScript({ namespace: 'host', interface: 'eth0' });
  assert.match(root, /^tcpdump -U --immediate-mode -n -w - -i eth0 &$/m);
  assert.doesNotMatch(root, /netns/);
  const anonymous = captureStartScript({ namespace: 'web-1', interface: 'eth0', path: '/proc/4242/ns/net' });
  assert.match(anonymous, /^nsenter --net=\/proc\/4242\/ns\/net -- tcpdump .* &$/m);
  assert.match(anonymous, /^\[ -e \/proc\/4242\/ns\/net \]/m);
});

test('a hostile filter or a bad name is refused before any script exists', () => {
  const code = (fn: () => unknown) => { try { fn(); return 'none'; } catch (error) { return isVnetError(error) ? error.code : String(error); } };
  assert.equal(code(() => captureStartScript({ namespace: 'a', interface: 'v' }, { filter: 'icmp; reboot' })), 'VN-CAPTURE-FILTER');
  assert.equal(code(() => captureStartScript({ namespace: 'a/b', interface: 'v' })), 'VN-CAPTURE-NAME');
  assert.equal(code(() => captureStartScript({ namespace: 'a', interface: 'way-too-long-name0' })), 'VN-CAPTURE-NAME');
  assert.equal(code(() => captureStartScript({ namespace: 'a', interface: 'v' }, { count: 0 })), 'VN-CAPTURE-COUNT');
  assert.equal(checkCapturePoint({ namespace: 'a', interface: 'v', path: 'relative/path' })?.includes('absolute'), true);
});

test('stop and sweep scripts take only pids, and a sweep says which were left', () => {
  assert.equal(captureStopScript([12, 345]).startsWith('for pid in 12 345; do'), true);
  assert.match(captureSweepScript([12]), /kill -KILL/);
  assert.throws(() => captureStopScript([Number.NaN]));
  assert.throws(() => captureSweepScript([1]));
  assert.deepEqual(parseSweep('left 12\nnoise\nleft 345\n'), [12, 345]);
});

test('NS:IFACE, labels, counts and the file names of a capture on several interfaces', () => {
  assert.deepEqual(parseCapturePoint('ns1:veth0'), { namespace: 'ns1', interface: 'veth0' });
  assert.deepEqual(parseCapturePoint('pod:a:eth0'), { namespace: 'pod:a', interface: 'eth0' });
  assert.deepEqual(parseCapturePoint('pid:4242:eth0'), { namespace: 'pid:4242', interface: 'eth0', path: '/proc/4242/ns/net' });
  assert.deepEqual(parseCapturePoint('pid:x:eth0'), { namespace: 'pid:x', interface: 'eth0' });
  for (const bad of ['veth0', ':veth0', 'ns1:']) assert.equal(parseCapturePoint(bad), null, bad);
  assert.equal(capturePointLabel({ namespace: 'host', interface: 'eth0' }), 'host:eth0');
  assert.deepEqual([0, 1, 2].map(packetCountText), ['0 packets', '1 packet', '2 packets']);
  assert.deepEqual(captureFileNames('/tmp/x.pcap', [{ namespace: 'a', interface: 'v' }]), ['/tmp/x.pcap']);
  assert.deepEqual(captureFileNames('/tmp/x.pcap', [
    { namespace: 'a', interface: 'v' }, { namespace: 'b c', interface: 'v' }, { namespace: 'b?c', interface: 'v' }, { namespace: '..', interface: 'w' },
  ]), ['/tmp/x-a-v.pcap', '/tmp/x-b_c-v.pcap', '/tmp/x-b_c-v-2.pcap', '/tmp/x-_-w.pcap']);
  assert.equal(mergedCaptureFileName('/tmp/x.pcap'), '/tmp/x.pcapng');
  assert.equal(mergedCaptureFileName('/tmp/x'), '/tmp/x.pcapng');
});
