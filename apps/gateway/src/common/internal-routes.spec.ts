import { internalClients } from './internal-routes';

describe(internalClients.name, () => {
  it('reads loopback, private, addresses and subnets', () => {
    const sut = internalClients('loopback, private, 203.0.113.7, 2001:db8::/32');
    for (const [address, family] of [['127.0.0.1', 'ipv4'], ['::1', 'ipv6'], ['10.2.3.4', 'ipv4'], ['172.20.0.1', 'ipv4'], ['fd12::1', 'ipv6'], ['203.0.113.7', 'ipv4'], ['2001:db8::5', 'ipv6']] as const) {
      expect(sut.check(address, family)).toBe(true);
    }
    for (const [address, family] of [['8.8.8.8', 'ipv4'], ['203.0.113.8', 'ipv4'], ['172.32.0.1', 'ipv4'], ['2001:db9::1', 'ipv6']] as const) {
      expect(sut.check(address, family)).toBe(false);
    }
    expect(internalClients('loopback').check('10.0.0.1', 'ipv4')).toBe(false);
    expect(() => internalClients('everyone')).toThrow(/GATEWAY_INTERNAL_FROM/);
  });
});
