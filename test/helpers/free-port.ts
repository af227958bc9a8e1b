import { createServer, type AddressInfo } from 'node:net';

/** A loopback TCP port nothing listens on right now (for a process a test starts itself). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}
