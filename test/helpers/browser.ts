// Shared pieces for the Chromium tests (test/browser/**): launching the system Chromium through
// playwright-core, tiny node:http servers (static pages, a fake /v1/collect with CORS), and the
// SDK bundle (built on demand).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { chromium, type Browser, type LaunchOptions, type Page } from 'playwright-core';

export const ROOT = resolve(__dirname, '../..');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SDK_BUNDLE = resolve(ROOT, 'dist/sdk/kizuki.js');

/** Headless system Chromium; `--disable-background-networking` keeps it off the network. */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    ...options,
  });
}

/** dist/sdk/kizuki.js, built with libs/sdk/build.mjs first if missing (or if `rebuild`). */
export function sdkBundle(rebuild = false): Buffer {
  if (rebuild || !existsSync(SDK_BUNDLE)) {
    execFileSync(process.execPath, [resolve(ROOT, 'libs/sdk/build.mjs')], { cwd: ROOT, stdio: 'pipe' });
  }
  return readFileSync(SDK_BUNDLE);
}

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>;

export interface TestServer {
  /** http://127.0.0.1:PORT, no trailing slash */
  url: string;
  origin: string;
  /** every request seen, in order */
  requests: Recorded[];
  close(): Promise<void>;
}

/** An http server on a free port of 127.0.0.1 that records every request with its body. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method || '', path: req.url || '', headers: req.headers, body });
      Promise.resolve(handler(req, res, body)).catch((e) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(e));
      });
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    origin: url,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

export interface StaticFile {
  type: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

/** A handler serving fixed files by path (query string ignored), 404 otherwise. */
export function staticFiles(files: Record<string, StaticFile | (() => StaticFile)>, fallback?: Handler): Handler {
  return (req, res, body) => {
    const path = (req.url || '/').split('?')[0];
    const entry = files[path];
    if (entry && req.method === 'GET') {
      const f = typeof entry === 'function' ? entry() : entry;
      res.writeHead(200, { 'Content-Type': f.type, 'Cache-Control': 'no-store', ...f.headers });
      res.end(f.body);
      return;
    }
    if (fallback) return fallback(req, res, body);
    res.writeHead(404);
    res.end();
  };
}

export interface CollectServer extends TestServer {
  /** JSON bodies POSTed to /v1/collect, parsed */
  bundles: unknown[];
  /** raw bodies POSTed to /v1/collect */
  rawBodies: string[];
  /** tokens handed out, in order */
  tokens: string[];
  /** 'ok' answers 202, 'error' answers 503 */
  mode: 'ok' | 'error';
}

/**
 * A fake Kizuki api: POST /v1/collect records the body and answers
 * `202 {"requestToken","expiresAt"}`, with CORS for any origin (preflight for X-Kizuki-Key).
 */
export async function startCollectServer(): Promise<CollectServer> {
  const state = { bundles: [] as unknown[], rawBodies: [] as string[], tokens: [] as string[], mode: 'ok' as 'ok' | 'error' };
  const server = await startServer((req, res, body) => {
    const cors = {
      'Access-Control-Allow-Origin': String(req.headers.origin || '*'),
      'Access-Control-Allow-Methods': 'POST',
      'Access-Control-Allow-Headers': 'Content-Type, X-Kizuki-Key',
      'Access-Control-Max-Age': '600',
      Vary: 'Origin',
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    if (req.method !== 'POST' || req.url !== '/v1/collect') {
      res.writeHead(404, cors);
      res.end();
      return;
    }
    if (state.mode === 'error') {
      res.writeHead(503, { ...cors, 'Content-Type': 'application/json' });
      res.end('{"error":{"code":"UNAVAILABLE","message":"down"}}');
      return;
    }
    state.rawBodies.push(body);
    try {
      state.bundles.push(JSON.parse(body));
    } catch {
      state.bundles.push(null);
    }
    const requestToken = `rt_test_${state.tokens.length + 1}_${Math.random().toString(36).slice(2, 10)}`;
    state.tokens.push(requestToken);
    res.writeHead(202, { ...cors, 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ requestToken, expiresAt: new Date(Date.now() + 120_000).toISOString() }));
  });
  const collect = Object.assign(server, { bundles: state.bundles, rawBodies: state.rawBodies, tokens: state.tokens }) as CollectServer;
  Object.defineProperty(collect, 'mode', { get: () => state.mode, set: (m: 'ok' | 'error') => (state.mode = m) });
  return collect;
}

/** application/x-www-form-urlencoded → object (last value wins). */
export function parseForm(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** Signs in to the admin console at `baseUrl` and waits for its navigation. */
export async function signInToConsole(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/console/`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('#signin-form button[type=submit]');
  await page.waitForSelector('nav.side');
}
