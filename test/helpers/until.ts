/**
 * Polls `check` every 100 ms until it holds; fails with `what` after `timeoutMs`. A check that
 * throws counts as not yet (a service still starting, a row not yet there).
 */
export async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}
