import { internalAddressReason, webhookTargetProblem, webhookUrlProblem } from './webhook-target';

describe(webhookUrlProblem.name, () => {
  it('refuses this machine, private, link-local and reserved addresses as written, and other schemes', () => {
    for (const url of ['http://localhost:3000/x', 'http://api.localhost/x', 'http://127.1.2.3/', 'http://10.0.0.1/', 'http://172.31.255.255/', 'http://192.168.0.1/', 'http://169.254.169.254/', 'http://100.64.0.1/', 'http://0.0.0.0/', 'http://[::1]/', 'http://[fd00::1]/', 'http://[fe80::1]/', 'http://[::ffff:10.0.0.1]/', 'ftp://example.org/', 'not a url']) {
      expect(webhookUrlProblem(url)).not.toBeNull();
    }
    for (const url of ['https://hooks.example.org/vulgraad', 'http://8.8.8.8/', 'http://172.32.0.1/', 'http://[2001:db8::1]/']) expect(webhookUrlProblem(url)).toBeNull();
  });
});

describe(webhookTargetProblem.name, () => {
  it('refuses a name that resolves to an internal address, and lets a public one through', async () => {
    const resolve = async (host: string) => (host === 'inside.example' ? [{ address: '93.184.216.34' }, { address: '10.0.0.7' }] : [{ address: '93.184.216.34' }]);
    expect(await webhookTargetProblem('https://inside.example/hook', resolve)).toMatch(/inside\.example resolves to 10\.0\.0\.7/);
    expect(await webhookTargetProblem('https://outside.example/hook', resolve)).toBeNull();
    expect(internalAddressReason('93.184.216.34')).toBeNull();
  });
});
