/**
 * Polls `check` every 100 ms until it gives something truthy, and returns that; fails with `what`
 * (and the check's last error, if it threw) after `timeoutMs`. A check that throws counts as not
 * yet (a service still starting, a row not yet there).
 */
export async function until<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const v = await check().catch((e: unknown) => {
      lastError = e;
      return false as const;
    });
    if (v) return v;
    if (Date.now() > end)
      throw new Error(`${what}: not within ${timeoutMs} ms${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
