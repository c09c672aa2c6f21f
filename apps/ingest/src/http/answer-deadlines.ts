/** One request waiting for its commit: told once, either settled or timed out. */
export interface AwaitingCommit {
  /** When it times out, on the deadlines' clock (ms). */
  deadlineMs: number;
  /** True once it was answered either way: it is then left out of the timing. */
  readonly answered: boolean;
  timedOut(): void;
}

/**
 * The commit deadlines of the HTTP requests in flight, all with the same
 * wait: requests are added in arrival order, so their deadlines are in order
 * and one timer, set for the oldest unanswered one, serves them all. A timer
 * per request (setTimeout, unref, clearTimeout; a Timeout object and a
 * timer-list entry each) was a measurable part of a webhook's CPU, and all of
 * them were cleared by the commit long before they fired.
 */
export class AnswerDeadlines {
  private queue: AwaitingCommit[] = [];
  /** Index of the oldest entry still in the queue: entries before it are gone. */
  private head = 0;
  /** Entries in the queue not yet answered. */
  private waiting = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly waitMs: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /**
   * Starts the wait of a request that has just been handed to the pipeline.
   * Answered requests are dropped as they reach the front, and all at once
   * when they are most of the queue (one request stuck behind a refused
   * batch must not hold every committed request after it, bodies and all,
   * until its deadline).
   */
  add(request: AwaitingCommit): void {
    request.deadlineMs = this.nowMs() + this.waitMs;
    this.dropAnswered();
    this.queue.push(request);
    this.waiting++;
    if (this.timer === null) this.arm(this.waitMs);
  }

  /** Told by a request added here when it is answered before its deadline. */
  answered(): void {
    this.waiting--;
  }

  /** Requests held for their deadline, answered ones not yet dropped included. */
  get size(): number {
    return this.queue.length - this.head;
  }

  /** Tells every unanswered request whose deadline has passed, and sets the timer for the next. */
  private expire(): void {
    this.timer = null;
    const now = this.nowMs();
    const queue = this.queue;
    while (this.head < queue.length) {
      const request = queue[this.head] as AwaitingCommit;
      if (!request.answered && request.deadlineMs > now) break;
      this.head++;
      if (!request.answered) {
        this.waiting--;
        request.timedOut();
      }
    }
    this.dropAnswered();
    const next = this.queue[this.head];
    if (next) this.arm(Math.max(0, next.deadlineMs - now));
  }

  private dropAnswered(): void {
    const queue = this.queue;
    let head = this.head;
    while (head < queue.length && (queue[head] as AwaitingCommit).answered) head++;
    const held = queue.length - head;
    if (held === 0) {
      queue.length = 0;
      head = 0;
    } else if (held > 1024 && held > 4 * this.waiting) {
      this.queue = queue.filter((request, i) => i >= head && !request.answered);
      head = 0;
    } else if (head > 1024 && head * 2 > queue.length) {
      this.queue = queue.slice(head);
      head = 0;
    }
    this.head = head;
  }

  private arm(delayMs: number): void {
    this.timer = setTimeout(() => this.expire(), delayMs);
    this.timer.unref();
  }
}
