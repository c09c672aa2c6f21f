import { hashPassword, verifyPassword } from './password';

describe(hashPassword.name, () => {
  it('salts every hash and verifies only the right password', async () => {
    const sut = await hashPassword('correct horse battery');
    expect(sut).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await hashPassword('correct horse battery')).not.toBe(sut);
    expect(await verifyPassword('correct horse battery', sut)).toBe(true);
    expect(await verifyPassword('correct horse batterY', sut)).toBe(false);
    expect(await verifyPassword('x', 'plain-text-password')).toBe(false);
  });
});
