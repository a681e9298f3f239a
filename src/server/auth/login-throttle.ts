import type { Clock } from '../http/context.js';

/**
 * Counts failed sign-ins per email+IP in a sliding window. In memory on purpose: sign-ins go to the web
 * process, and forgetting counters on restart only gives an attacker a few more tries.
 */
export class LoginThrottle {
  private failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly maxAttempts: number,
    private readonly windowMs: number,
  ) {}

  private recent(key: string): number[] {
    const since = this.clock.now().getTime() - this.windowMs;
    const kept = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  /** Seconds until the next attempt is allowed, or 0 when it is allowed now. */
  retryAfterSeconds(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.maxAttempts) return 0;
    const oldest = recent[recent.length - this.maxAttempts]!;
    return Math.max(1, Math.ceil((oldest + this.windowMs - this.clock.now().getTime()) / 1000));
  }

  recordFailure(key: string): void {
    const recent = this.recent(key);
    recent.push(this.clock.now().getTime());
    this.failures.set(key, recent);
    if (this.failures.size > 50_000) this.failures.delete(this.failures.keys().next().value!);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }
}
