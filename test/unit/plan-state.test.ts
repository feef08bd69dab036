import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLabState, serializeLabState, serializeRecord } from '../../src/model/lab-state';

test('a state file folds claims and releases in order, and skips a line cut short by a crash', () => {
  const text = [
    '{"kind":"lab","schema":"vnet.owned/1","lab":"a"}',
    serializeRecord({ kind: 'namespace', name: 'n1' }),
    serializeRecord({ kind: 'namespace', name: 'n2' }),
    serializeRecord({ kind: 'forwarding', namespace: 'host', previous: false }),
    serializeRecord({ kind: 'forwarding', namespace: 'host', previous: true }),
    serializeRecord({ kind: 'namespace', name: 'n1' }, true),
    '{"kind":"namespace","na',
  ].join('\n');
  const state = parseLabState('a', text);
  assert.deepEqual(state.records, [
    { kind: 'namespace', name: 'n2' },
    // The first value before the lab's change is the one to restore.
    { kind: 'forwarding', namespace: 'host', previous: false },
  ]);
  assert.deepEqual(parseLabState('a', serializeLabState(state)).records, state.records);
});
