import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDestination } from '../../src/host/ssh-destination';
import { isVnetError } from '../../src/model/errors';

test('[user@]host[:port], IPv6 in brackets, bare IPv6, and aliases', () => {
  assert.deepEqual(parseDestination('root@10.0.1.48'), { host: '10.0.1.48', user: 'root', port: null });
  assert.deepEqual(parseDestination('web1:2222'), { host: 'web1', user: null, port: 2222 });
  assert.deepEqual(parseDestination('ops@[2001:db8::1]:22'), { host: '2001:db8::1', user: 'ops', port: 22 });
  assert.deepEqual(parseDestination('2001:db8::1'), { host: '2001:db8::1', user: null, port: null });
  assert.deepEqual(parseDestination('lab-box'), { host: 'lab-box', user: null, port: null });
  assert.deepEqual(parseDestination('me@corp.example@bastion'), { host: 'bastion', user: 'me@corp.example', port: null });
});

test('targets that could smuggle options or shell text are refused', () => {
  for (const bad of ['', '-oProxyCommand=x', 'root@-x', '-root@x', 'a b', 'x;id', 'host:99999', 'host:ssh', '@host', 'x\ny', 'a$(id)']) {
    assert.throws(() => parseDestination(bad), (e: unknown) => isVnetError(e) && e.code === 'VN-USAGE-HOST', JSON.stringify(bad));
  }
});
