import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, RETRY_DELAYS_MS, nextRetryDelayMs, shouldSwitchOff } from '../../src/server/domain/webhook-retry.js';

describe('when a failed webhook delivery is tried again', () => {
  it('follows the Standard Webhooks schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then gives up', () => {
    const waits = Array.from({ length: MAX_ATTEMPTS }, (_, i) => nextRetryDelayMs(i + 1));
    expect(waits).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000, null]);
    expect(MAX_ATTEMPTS).toBe(8);
  });

  it('keeps trying for at least 24 hours', () => {
    const total = RETRY_DELAYS_MS.reduce((sum, ms) => sum + ms, 0);
    expect(total).toBeGreaterThanOrEqual(24 * 3600_000);
  });

  it("a receiver's Retry-After pushes the next attempt later, never earlier, and not past 10 hours", () => {
    expect(nextRetryDelayMs(1, 120)).toBe(120_000);
    expect(nextRetryDelayMs(3, 60)).toBe(1_800_000);
    expect(nextRetryDelayMs(1, 10 * 86_400)).toBe(36_000_000);
    expect(nextRetryDelayMs(MAX_ATTEMPTS, 5)).toBeNull();
  });

  it('switches an endpoint off after five days of failing', () => {
    const since = new Date('2026-03-02T09:00:00Z');
    expect(shouldSwitchOff(null, since)).toBe(false);
    expect(shouldSwitchOff(since, new Date('2026-03-07T08:59:59Z'))).toBe(false);
    expect(shouldSwitchOff(since, new Date('2026-03-07T09:00:00Z'))).toBe(true);
  });
});
