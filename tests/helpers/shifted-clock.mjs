// Preloaded into Keypulse processes a test starts (NODE_OPTIONS="--import <this file>"): their wall clock reads
// TEST_CLOCK_SHIFT_MS later (or earlier, when negative) than the machine's, so a test can put a whole installation on
// a Monday morning without waiting for one. Only `Date` moves; timers and performance.now() keep real time.
// Plain JavaScript, so it loads before any TypeScript loader and whatever `npm start` runs.
const shift = Number(process.env.TEST_CLOCK_SHIFT_MS ?? 0);
if (shift) {
  const RealDate = Date;
  const now = () => RealDate.now() + shift;
  // A Proxy rather than a subclass: dates made anywhere (even by Node's internals) stay `instanceof Date`.
  globalThis.Date = new Proxy(RealDate, {
    construct: (target, args, newTarget) => Reflect.construct(target, args.length ? args : [now()], newTarget),
    apply: () => new RealDate(now()).toString(),
    get: (target, property, receiver) => (property === 'now' ? now : Reflect.get(target, property, receiver)),
  });
}
