/* global indexedDB, window, setTimeout, clearTimeout */
// The driver's taps, kept on the phone (IndexedDB, so photos fit) until the
// gateway has them. Each tap carries the id the phone made for it; the
// gateway stores an id once, so a tap sent twice (the answer was lost on the
// way back) still counts once. Taps leave in the order they were made; a
// tap the gateway refuses (4xx) is taken out and reported, a network error
// a 5xx or an expired login keeps it for the next try.

const DB_NAME = 'vulgraad-driver';
const STORE = 'outbox';
const RETRY_MS = 5000;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export class Outbox {
  /** send(entry) resolves with the answer, or rejects with { status } (0 = no network). */
  constructor(send, { onChange = () => {}, onSent = () => {}, onRefused = () => {} } = {}) {
    this.send = send;
    this.onChange = onChange;
    this.onSent = onSent;
    this.onRefused = onRefused;
    this.flushing = null;
    this.timer = null;
    this.db = new Promise((resolve, reject) => {
      const open = indexedDB.open(DB_NAME, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'actionId' });
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    window.addEventListener('online', () => void this.flush());
  }

  async store(mode) {
    const db = await this.db;
    return db.transaction(STORE, mode).objectStore(STORE);
  }

  /** Taps not yet accepted by the gateway, oldest first. */
  async pending() {
    const all = await request((await this.store('readonly')).getAll());
    return all.sort((a, b) => a.queuedAt - b.queuedAt || (a.actionId < b.actionId ? -1 : 1));
  }

  /** Keeps a tap and tries to send it (and whatever waits before it). */
  async add(body) {
    const entry = { actionId: body.actionId, body, queuedAt: Date.now() };
    await request((await this.store('readwrite')).put(entry));
    this.onChange();
    return this.flush();
  }

  async remove(actionId) {
    await request((await this.store('readwrite')).delete(actionId));
    this.onChange();
  }

  /** Sends what waits, one at a time; one flush at a time. */
  flush() {
    if (!this.flushing) {
      this.flushing = this.drain().finally(() => {
        this.flushing = null;
      });
    }
    return this.flushing;
  }

  async drain() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const entry of await this.pending()) {
      try {
        const answer = await this.send(entry.body);
        await this.remove(entry.actionId);
        this.onSent(entry, answer);
      } catch (error) {
        const status = error && typeof error.status === 'number' ? error.status : 0;
        // 401: the login ran out while the tap waited; it stays for after the next login.
        if (status >= 400 && status < 500 && status !== 401 && status !== 408 && status !== 429) {
          await this.remove(entry.actionId);
          this.onRefused(entry, error);
          continue;
        }
        // No network or a server in trouble: keep it, try again soon.
        this.timer = setTimeout(() => void this.flush(), RETRY_MS);
        return;
      }
    }
  }
}
