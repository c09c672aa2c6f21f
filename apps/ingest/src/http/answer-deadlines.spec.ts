import { AnswerDeadlines, type AwaitingCommit } from './answer-deadlines';

/** A request as the service makes it: answered either by its commit (settle) or by its deadline. */
class Request implements AwaitingCommit {
  deadlineMs = 0;
  answered = false;
  timedOutAt: number | null = null;

  constructor(private readonly sut: AnswerDeadlines, private readonly now: () => number) {}

  settle(): void {
    if (this.answered) return;
    this.answered = true;
    this.sut.answered();
  }

  timedOut(): void {
    this.answered = true;
    this.timedOutAt = this.now();
  }
}

describe(AnswerDeadlines.name, () => {
  let nowMs = 0;
  const now = (): number => nowMs;
  const advance = (ms: number): void => {
    nowMs += ms;
    jest.advanceTimersByTime(ms);
  };

  beforeEach(() => {
    jest.useFakeTimers();
    nowMs = 0;
  });
  afterEach(() => jest.useRealTimers());

  it('tells each unanswered request at its own deadline, and none that was answered', () => {
    const sut = new AnswerDeadlines(1000, now);
    const first = new Request(sut, now);
    const second = new Request(sut, now);
    const third = new Request(sut, now);
    sut.add(first);
    advance(300);
    sut.add(second);
    advance(300);
    sut.add(third);
    second.settle();
    advance(399);
    expect(first.timedOutAt).toBeNull();
    advance(1);
    expect(first.timedOutAt).toBe(1000);
    advance(599);
    expect(third.timedOutAt).toBeNull();
    advance(1);
    expect(third.timedOutAt).toBe(1600);
    expect(second.timedOutAt).toBeNull();
    expect(sut.size).toBe(0);
  });

  it('drops committed requests as new ones come, so that none is held until its deadline', () => {
    const sut = new AnswerDeadlines(30_000, now);
    for (let i = 0; i < 5000; i++) {
      const request = new Request(sut, now);
      sut.add(request);
      request.settle();
    }
    expect(sut.size).toBeLessThanOrEqual(1);
  });

  it('does not let one request stuck before its deadline hold every committed request after it', () => {
    const sut = new AnswerDeadlines(30_000, now);
    const stuck = new Request(sut, now);
    sut.add(stuck);
    for (let i = 0; i < 10_000; i++) {
      const request = new Request(sut, now);
      sut.add(request);
      request.settle();
    }
    expect(sut.size).toBeLessThan(2000);
    advance(30_000);
    expect(stuck.timedOutAt).toBe(30_000);
  });
});
