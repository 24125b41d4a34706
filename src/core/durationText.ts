/** A Go duration as kubectl takes for --timeout: 90s, 10m, 1h30m, 500ms. Milliseconds, or undefined. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  let total = 0;
  for (const [, n, , u] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) total += Number(n) * unit[u as keyof typeof unit];
  return total;
}

/** A time range: a Go duration, or whole days (6h, 7d, 90m). Milliseconds, or undefined when not one or not positive. */
export function parseRange(text: string): number | undefined {
  const days = /^(\d+)d$/.exec(text);
  const ms = days ? Number(days[1]) * 86_400_000 : parseDuration(text);
  return ms === undefined || ms <= 0 ? undefined : ms;
}
