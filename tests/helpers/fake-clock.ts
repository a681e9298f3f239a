import type { Clock } from '../../src/server/http/context.js';

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  private current: number;
  constructor(start = '2026-03-02T09:00:00Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(iso: string): void {
    this.current = new Date(iso).getTime();
  }
}
