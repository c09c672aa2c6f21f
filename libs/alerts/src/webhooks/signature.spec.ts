import { backoffDelayMs, signWebhook, verifyWebhookSignature } from './signature';

describe(signWebhook.name, () => {
  const secret = 'a-secret-of-sixteen+';
  const body = '{"event":"alert.changed"}';

  it('produces a header the receiver verifies, and refuses a changed body, a wrong secret and an old timestamp', () => {
    const sut = signWebhook(secret, 1_700_000_000, body);
    expect(sut).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, sut, body, 1_700_000_010)).toBe(true);
    expect(verifyWebhookSignature(secret, sut, body.replace('alert', 'alarm'), 1_700_000_010)).toBe(false);
    expect(verifyWebhookSignature('another-secret-xxxx', sut, body, 1_700_000_010)).toBe(false);
    expect(verifyWebhookSignature(secret, sut, body, 1_700_001_000)).toBe(false);
    expect(verifyWebhookSignature(secret, 'garbage', body, 1_700_000_000)).toBe(false);
  });
});

describe(backoffDelayMs.name, () => {
  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, 1000, 5000))).toEqual([1000, 2000, 4000, 5000]);
    expect(backoffDelayMs(100, 1000, 3_600_000)).toBe(3_600_000);
  });
});
