import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  addressesToCidrs,
  cidrSet,
  coversAddresses,
  formatAddress,
  intersectAddresses,
  isEmptyAddresses,
  METADATA_ADDRESSES,
  parseCidr,
  PUBLIC_ADDRESSES,
  subtractAddresses,
  unionAddresses,
} from '../src/core/network/addresses.js';
import { ALL_PORTS, formatPorts, intersectPorts, portSetOf, unionPorts } from '../src/core/network/ports.js';

const set = (text: string) => cidrSet(parseCidr(text)!);

describe('addresses', () => {
  it('parses IPv4, IPv6 and IPv4-mapped forms; rejects what the API rejects', () => {
    assert.deepEqual(addressesToCidrs(set('10.1.2.3/8')), ['10.0.0.0/8']);
    assert.deepEqual(addressesToCidrs(set('fd00:ec2::254')), ['fd00:ec2::254/128']);
    assert.deepEqual(addressesToCidrs(set('::ffff:169.254.169.254')), ['169.254.169.254/32']);
    assert.deepEqual(addressesToCidrs(set('::ffff:10.0.0.0/104')), ['10.0.0.0/8']);
    assert.deepEqual(addressesToCidrs(set('::/0')), ['::/0']);
    for (const bad of ['10.0.0.0/33', '256.1.1.1', '1.2.3', '01.2.3.4', '1::2::3', 'fe80::/129', 'x', '10.0.0.0/8/8', '1:2:3:4:5:6:7:8:9']) assert.equal(parseCidr(bad), undefined, bad);
  });

  it('formats every IPv6 address as node:net reads it back', () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        const parsed = parseCidr(address);
        assert.ok(parsed, address);
        if (parsed.family === 6) {
          const text = formatAddress(6, parsed.start);
          assert.equal(isIP(text), 6, text);
          assert.equal(parseCidr(text)!.start, parsed.start);
        }
      }),
      { numRuns: 500, seed: 5 },
    );
  });

  it('set algebra: (A - B) and B are disjoint and cover A; CIDR lists round-trip', () => {
    const cidr = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([address, prefix]) => `${address}/${prefix}`);
    fc.assert(
      fc.property(fc.array(cidr, { minLength: 1, maxLength: 4 }), fc.array(cidr, { maxLength: 4 }), (left, right) => {
        const a = unionAddresses(...left.map(set));
        const b = unionAddresses({ v4: [], v6: [] }, ...right.map(set));
        const difference = subtractAddresses(a, b);
        assert.ok(isEmptyAddresses(intersectAddresses(difference, b)));
        assert.ok(coversAddresses(unionAddresses(difference, b), a));
        const back = unionAddresses({ v4: [], v6: [] }, ...addressesToCidrs(a).map(set));
        assert.deepEqual(back, a);
      }),
      { numRuns: 300, seed: 6 },
    );
  });

  it('the metadata endpoint is not public; 0.0.0.0/0 minus its except no longer holds it', () => {
    assert.ok(isEmptyAddresses(intersectAddresses(METADATA_ADDRESSES, PUBLIC_ADDRESSES)));
    assert.ok(!isEmptyAddresses(intersectAddresses(set('8.8.8.8'), PUBLIC_ADDRESSES)));
    const block = subtractAddresses(set('0.0.0.0/0'), set('169.254.169.254/32'));
    assert.ok(isEmptyAddresses(intersectAddresses(block, METADATA_ADDRESSES)));
  });
});

describe('port sets', () => {
  it('formats, unions and intersects per protocol', () => {
    const web = unionPorts(portSetOf('TCP', 80, 80), portSetOf('TCP', 81, 90));
    assert.equal(formatPorts(web), 'TCP:80-90');
    assert.equal(formatPorts(unionPorts(web, portSetOf('UDP', 53, 53))), 'TCP:80-90 UDP:53');
    assert.equal(formatPorts(intersectPorts(web, portSetOf('TCP', 85, 100))), 'TCP:85-90');
    assert.equal(formatPorts(intersectPorts(web, portSetOf('UDP', 80, 80))), 'none');
    assert.equal(formatPorts(ALL_PORTS), 'all');
    assert.equal(formatPorts(portSetOf('SCTP', 1, 65535)), 'SCTP:*');
  });
});
