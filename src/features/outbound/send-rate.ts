// One rate limit for everything the service sends (SMTP_RATE_PER_SECOND; 0 is unlimited): senders take a
// turn before each message. Turns are spaced evenly, so a burst never exceeds the rate, and one limiter
// is shared by every lane of a drain.
export interface SendRate {
  /** Resolves when the next message may go. */
  turn(): Promise<void>;
}

export function sendRate(perSecond: number, now: () => number = Date.now): SendRate {
  if (!(perSecond > 0)) return { turn: async () => {} };
  const spacing = 1000 / perSecond;
  let next = 0;
  return {
    turn() {
      const at = Math.max(now(), next);
      next = at + spacing;
      const wait = at - now();
      return wait <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, wait));
    },
  };
}
