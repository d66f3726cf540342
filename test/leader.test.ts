import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideLease, leadershipLapsed } from '../src/core/watch/lease.js';
import { microTime, recordOf } from '../src/app/leader.js';

describe('leader election decisions (core/watch/lease.ts)', () => {
  const held = (holder: string | undefined, renewedAt: number | undefined) => ({ holder, renewedAt, durationMs: 15_000 });

  it('creates a missing Lease, renews its own, waits for a live holder and takes over an expired or released one', () => {
    assert.equal(decideLease(undefined, 'a', 0), 'create');
    assert.equal(decideLease(held('a', 1000), 'a', 100_000), 'renew');
    assert.equal(decideLease(held('b', 1000), 'a', 1000), 'wait');
    assert.equal(decideLease(held('b', 1000), 'a', 15_999), 'wait');
    assert.equal(decideLease(held('b', 1000), 'a', 16_000), 'take-over');
    assert.equal(decideLease(held(undefined, 1000), 'a', 1000), 'take-over');
    assert.equal(decideLease(held('', 1000), 'a', 1000), 'take-over');
    assert.equal(decideLease(held('b', undefined), 'a', 0), 'take-over');
  });

  it('a leader gives up once the renew deadline passed since its last renewal', () => {
    assert.equal(leadershipLapsed(1000, 10_000, 10_999), false);
    assert.equal(leadershipLapsed(1000, 10_000, 11_000), true);
  });

  it('reads the API server Lease (MicroTime with microseconds) and writes MicroTime back', () => {
    assert.equal(microTime(Date.parse('2026-01-02T03:04:05.678Z')), '2026-01-02T03:04:05.678000Z');
    assert.deepEqual(recordOf({ metadata: { name: 'l' }, spec: { holderIdentity: 'b', leaseDurationSeconds: 3, renewTime: '2026-01-02T03:04:05.678000Z' } }), { holder: 'b', renewedAt: Date.parse('2026-01-02T03:04:05.678Z'), durationMs: 3000 });
    assert.deepEqual(recordOf({ metadata: { name: 'l' }, spec: { holderIdentity: null } }), { holder: undefined, renewedAt: undefined, durationMs: 0 });
  });
});

describe('--leader-elect flags (electionOptions)', () => {
  it('defaults as kube-controller-manager, and refuses flags without --leader-elect or timings out of order, naming the flag', async () => {
    const { electionOptions } = await import('../src/cli/commands/watch.js');
    const options = electionOptions({ 'leader-elect': true, 'leader-elect-resource-namespace': 'palisade' })!;
    assert.deepEqual([options.name, options.namespace, options.leaseDurationMs, options.renewDeadlineMs, options.retryPeriodMs], ['palisade-watch', 'palisade', 15_000, 10_000, 2_000]);
    assert.match(options.identity, /_[0-9a-f-]{36}$/);
    assert.equal(electionOptions({}), undefined);
    assert.throws(() => electionOptions({ 'leader-elect-lease-duration': '3s' }), /--leader-elect-lease-duration applies with --leader-elect/);
    assert.throws(() => electionOptions({ 'leader-elect': true, 'leader-elect-lease-duration': 'soon' }), /--leader-elect-lease-duration must be a duration/);
    assert.throws(() => electionOptions({ 'leader-elect': true, 'leader-elect-lease-duration': '5s' }), /--leader-elect-renew-deadline must be shorter than --leader-elect-lease-duration/);
    assert.throws(() => electionOptions({ 'leader-elect': true, 'leader-elect-resource-name': 'Bad_Name' }), /--leader-elect-resource-name must be a Kubernetes object name/);
  });
});
