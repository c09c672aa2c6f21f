import { KeyedQueue } from './keyed-queue';

describe(KeyedQueue.name, () => {
  it('runs tasks of one key in order, survives a failing task, and lets other keys run alongside', async () => {
    const sut = new KeyedQueue();
    const seen: string[] = [];
    const gate = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const a1 = sut.run('a', async () => {
      await gate(20);
      seen.push('a1');
    });
    const a2 = sut.run('a', async () => {
      seen.push('a2');
      throw new Error('boom');
    });
    const a3 = sut.run('a', async () => {
      seen.push('a3');
    });
    const b1 = sut.run('b', async () => {
      seen.push('b1');
    });
    await expect(a2).rejects.toThrow('boom');
    await Promise.all([a1, a3, b1]);
    await sut.idle();
    expect(seen.filter((s) => s.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(seen.indexOf('b1')).toBeLessThan(seen.indexOf('a1'));
  });
});
