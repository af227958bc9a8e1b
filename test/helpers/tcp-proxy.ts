import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a real service, which a test can cut (every connection
 * reset, new ones refused — as when the service stops) and restore, without touching the shared
 * service itself.
 */
export class TcpProxy {
  private server!: Server;
  private readonly sockets = new Set<Socket>();
  private cut = false;
  private silent = false;
  /** Connections accepted so far (forwarded, refused or held): how often a client tried. */
  accepted = 0;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<this> {
    this.server = createServer((client) => {
      this.accepted++;
      if (this.cut) {
        client.destroy();
        return;
      }
      if (this.silent) {
        // accepted and never answered: the client waits out its own timeout
        this.sockets.add(client);
        client.on('close', () => this.sockets.delete(client));
        client.on('error', () => undefined);
        return;
      }
      const upstream = createConnection(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', ok));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The service "stops": open connections are reset and new ones refused. */
  cutOff(): void {
    this.cut = true;
    for (const s of this.sockets) s.destroy();
  }

  /** The service "hangs": open connections are reset, new ones accepted but never answered. */
  silence(): void {
    this.silent = true;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.cut = false;
    this.silent = false;
  }

  async stop(): Promise<void> {
    this.cutOff();
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }
}
