// A lean HTTP/1.1 client for the open-loop generator (KIZUKI_BENCH_CLIENT=raw): kept-alive
// sockets, each request written in one call from a prebuilt head, responses parsed just far enough
// for the status, the Content-Length and the body. With node:http's client the generator took 26 %
// of a core at 2,000 collects/s, on the two cores it shares with the server it measures (18 % with
// this one); load generators such as autocannon work this way for the same reason.
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  body: string;
}

interface Pending {
  resolve: (a: RawAnswer) => void;
  timer: NodeJS.Timeout;
}

const HEADER_END = Buffer.from('\r\n\r\n');

class Connection {
  private buffered: Buffer = Buffer.alloc(0);
  private pending: Pending | null = null;
  closed = false;

  constructor(
    readonly socket: Socket,
    private readonly release: (c: Connection) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = () => this.close();
    socket.on('error', fail);
    socket.on('close', fail);
  }

  send(request: Buffer, timeoutMs: number): Promise<RawAnswer> {
    return new Promise((resolve) => {
      if (this.closed) return resolve({ status: 0, body: '' }); // the server closed it while idle
      const timer = setTimeout(() => this.close(), timeoutMs);
      this.pending = { resolve, timer };
      this.socket.write(request);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const headEnd = this.buffered.indexOf(HEADER_END);
    if (headEnd < 0) return;
    const head = this.buffered.subarray(0, headEnd).toString('latin1');
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) {
      // Kizuki always sends a length; anything else (chunked) is not what this client measures.
      this.close();
      return;
    }
    const bodyStart = headEnd + HEADER_END.length;
    const bodyEnd = bodyStart + Number(length[1]);
    if (this.buffered.length < bodyEnd) return;
    const body = this.buffered.subarray(bodyStart, bodyEnd).toString('utf8');
    this.buffered = this.buffered.subarray(bodyEnd);
    const p = this.pending;
    this.pending = null;
    if (!p) {
      // a response nobody asked for: the connection is out of step, never reuse it
      this.close();
      return;
    }
    clearTimeout(p.timer);
    p.resolve({ status, body });
    if (/\r\nconnection:\s*close/i.test(head)) this.close();
    else this.release(this);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    const p = this.pending;
    this.pending = null;
    if (p) {
      clearTimeout(p.timer);
      p.resolve({ status: 0, body: '' });
    }
  }
}

/**
 * Kept-alive connections to one host:port, at most `maxSockets` (as node:http's agent of the
 * benchmarks: 1,024); one request at a time on each (no pipelining). Past the cap a request waits
 * for a free connection, and that wait counts in its latency (the generator's clock started at its
 * scheduled time).
 */
export class RawHttpPool {
  private readonly idle: Connection[] = [];
  /** Request heads without their length, per path and headers object (the benches reuse both). */
  private readonly heads = new Map<string, WeakMap<Record<string, string>, string>>();
  private readonly waiting: ((c: Connection | null) => void)[] = [];
  private open = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly maxSockets = 1024,
  ) {}

  post(path: string, headers: Record<string, string>, body: string, timeoutMs = 5000): Promise<RawAnswer> {
    const payload = Buffer.from(body);
    let byHeaders = this.heads.get(path);
    if (!byHeaders) this.heads.set(path, (byHeaders = new WeakMap()));
    let head = byHeaders.get(headers);
    if (head === undefined) {
      head = `POST ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\ncontent-type: application/json\r\n`;
      for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
      byHeaders.set(headers, head);
    }
    const request = Buffer.concat([Buffer.from(`${head}content-length: ${payload.length}\r\n\r\n`, 'latin1'), payload]);
    return this.take().then((c) => (c ? c.send(request, timeoutMs) : { status: 0, body: '' }));
  }

  private take(): Promise<Connection | null> {
    let c = this.idle.pop();
    while (c && c.closed) c = this.idle.pop();
    if (c) return Promise.resolve(c);
    if (this.open >= this.maxSockets) return new Promise((resolve) => this.waiting.push(resolve));
    return this.connect();
  }

  private connect(): Promise<Connection | null> {
    this.open++;
    return new Promise((resolve) => {
      const socket = connect(this.port, this.host);
      const conn = new Connection(socket, (free) => this.free(free));
      socket.once('close', () => {
        this.open--;
        const next = this.waiting.shift();
        if (next) void this.connect().then(next);
      });
      socket.once('connect', () => resolve(conn));
      socket.once('error', () => resolve(null));
    });
  }

  private free(c: Connection): void {
    const next = this.waiting.shift();
    if (next) next(c);
    else this.idle.push(c);
  }

  close(): void {
    for (const c of this.idle.splice(0)) c.close();
  }
}
