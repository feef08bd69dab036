// Failures classified from what OpenSSH and sudo really print (captured against the testbed).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyFailure, type FailedCall } from '../../src/host/ssh-errors';
import { NO_PRIVILEGE_MARK } from '../../src/host/remote-wrapper';
import { exitCodeFor, EXIT } from '../../src/cli/exit-codes';

const call = (stderr: string, extra: Partial<FailedCall> = {}): FailedCall => ({
  target: 'root@10.99.0.11', host: '10.99.0.11', port: null, exitCode: 255, stderr, timedOut: false, timeoutMs: 70_000,
  connectTimeoutSec: 10, overSsh: true, producedOutput: false, ...extra,
});

const CHANGED = `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
The fingerprint for the ED25519 key sent by the remote host is
SHA256:MoFH9Wlblx8xzezx8Cfj2ft/62K/38F9S1bHcDnaZ1w.
Add correct host key in /tmp/kh to get rid of this message.
Offending ED25519 key in /tmp/kh:1
  remove with:
  ssh-keygen -f "/tmp/kh" -R "10.99.0.11"
Host key for 10.99.0.11 has changed and you have requested strict checking.
Host key verification failed.
`;

const cases: [string, string, Partial<FailedCall>, string, number, RegExp][] = [
  ['unknown host key (strict)', 'No ED25519 host key is known for 10.99.0.12 and you have requested strict checking.\nHost key verification failed.\n', {}, 'VN-SSH-HOSTKEY', EXIT.hostKey, /not known.*ssh-keyscan 10\.99\.0\.11/],
  ['unknown host key (ask + batch)', 'Host key verification failed.\n', {}, 'VN-SSH-HOSTKEY', EXIT.hostKey, /not known/],
  ['changed host key', CHANGED, {}, 'VN-SSH-HOSTKEY', EXIT.hostKey, /CHANGED.*\/tmp\/kh line 1.*ssh-keygen -f "\/tmp\/kh" -R "10\.99\.0\.11"/],
  ['refused key', 'root@10.99.0.11: Permission denied (publickey).\n', {}, 'VN-SSH-AUTH', EXIT.authRefused, /refused the login.*--identity/],
  ['banner timeout', 'Connection timed out during banner exchange\n', {}, 'VN-SSH-TIMEOUT', EXIT.timeout, /within 10 s/],
  ['connect timeout', 'ssh: connect to host 10.0.0.9 port 22: Connection timed out\n', {}, 'VN-SSH-TIMEOUT', EXIT.timeout, /did not answer/],
  ['refused port', 'ssh: connect to host 10.0.0.9 port 22: Connection refused\n', {}, 'VN-SSH-UNREACHABLE', EXIT.unreachable, /Cannot reach/],
  ['proxy gave up', 'kex_exchange_identification: Connection closed by remote host\n', {}, 'VN-SSH-UNREACHABLE', EXIT.unreachable, /Cannot reach/],
  ['no such name', 'ssh: Could not resolve hostname nowhere.invalid: Name or service not known\n', {}, 'VN-SSH-UNREACHABLE', EXIT.unreachable, /resolve/],
  ['sudo wants a password', 'sudo: unable to resolve host h1: Temporary failure in name resolution\nsudo: a password is required\n', { exitCode: 1 }, 'VN-HOST-SUDO-PASSWORD', EXIT.privilege, /password.*NOPASSWD/],
  ['no root, no sudo', `${NO_PRIVILEGE_MARK}\n`, { exitCode: 126 }, 'VN-HOST-PRIVILEGE', EXIT.privilege, /not root and the host has no sudo/],
  ['our own deadline', '', { timedOut: true, exitCode: 128 }, 'VN-SSH-TIMEOUT', EXIT.timeout, /within 70 s/],
];

for (const [name, stderr, extra, code, exit, message] of cases) {
  test(`classifies: ${name}`, () => {
    const error = classifyFailure(call(stderr, extra));
    assert.ok(error, 'classified');
    assert.equal(error.code, code);
    assert.equal(exitCodeFor(error.code), exit);
    assert.match(error.message.replace(/\n/g, ' '), message);
    assert.doesNotMatch(error.message, /\n/, 'one line');
  });
}

test('a script that fails on its own is not mistaken for ssh or sudo', () => {
  assert.equal(classifyFailure(call('ip: RTNETLINK answers: File exists\n', { exitCode: 2 })), null);
  assert.equal(classifyFailure(call('sudo: a password is required\n', { exitCode: 1, producedOutput: true })), null, 'it ran: the sudo line is the script\'s own');
  assert.equal(classifyFailure(call('Permission denied (publickey).\n', { exitCode: 1, overSsh: false })), null);
});
