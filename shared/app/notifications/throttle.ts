/**
 * A token bucket on the injected clock: `perMinute` tokens, refilled evenly, at most
 * `perMinute` in the bucket. It never sleeps: `take` answers when the next token is due and
 * the caller reschedules, so a timer tick never waits on the wall clock.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number | undefined;
  private blockedUntil = 0;

  constructor(readonly perMinute: number) {
    this.tokens = perMinute;
  }

  /** Takes a token at `now` (ms), or says when one will be there. */
  take(now: number): { ok: true } | { ok: false; at: number } {
    this.refill(now);
    if (now < this.blockedUntil) return { ok: false, at: this.blockedUntil };
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    const msPerToken = 60_000 / this.perMinute;
    return { ok: false, at: now + Math.ceil((1 - this.tokens) * msPerToken) };
  }

  /** The provider said "not before" (429 Retry-After): nobody takes a token until then. */
  blockUntil(at: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, at);
  }

  private refill(now: number): void {
    if (this.updatedAt !== undefined && now > this.updatedAt)
      this.tokens = Math.min(this.perMinute, this.tokens + ((now - this.updatedAt) * this.perMinute) / 60_000);
    // A clock that never goes backwards is the contract; if one does, we just do not refill.
    if (this.updatedAt === undefined || now > this.updatedAt) this.updatedAt = now;
  }
}
