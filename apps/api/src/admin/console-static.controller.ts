import { Controller, Get, Req, Res } from '@nestjs/common';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KizukiConfig } from '@kizuki/config';

/** dist/console: under KIZUKI_STATIC_DIR when set, else the repo's dist/ found upwards from here. */
export function consoleDir(config: KizukiConfig): string {
  const configured = (config as unknown as { KIZUKI_STATIC_DIR?: string }).KIZUKI_STATIC_DIR;
  if (configured) return resolve(configured, 'console');
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'console');
    dir = resolve(dir, '..');
  }
  return resolve('dist', 'console');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

// The SPA loads only its own hashed script and stylesheet and talks only to /admin/api.
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** GET /console and /console/* : a built file if it exists, else index.html (SPA fallback). */
@ApiExcludeController()
@Controller('console')
export class ConsoleStaticController {
  private readonly root: string;
  /** the built console is a few small files: kept in memory once read (keyed by path and mtime) */
  private readonly cache = new Map<string, { mtime: number; body: Buffer }>();

  constructor(config: KizukiConfig) {
    this.root = consoleDir(config);
  }

  @Get()
  index(@Res() reply: FastifyReply): Promise<void> {
    return this.sendIndex(reply);
  }

  @Get('*')
  async file(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const path = decodeURIComponent(req.url.split('?')[0].replace(/^\/console\/?/, ''));
    const full = normalize(join(this.root, path));
    if (path && full.startsWith(this.root + sep) && isFile(full)) {
      const rel = full.slice(this.root.length + 1);
      const hashed = /^assets\/.+-[A-Z0-9]{8,}\.(js|css|png|svg|woff2)$/i.test(rel.split(sep).join('/'));
      reply
        .headers(SECURITY_HEADERS)
        .header('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      return this.send(reply, full);
    }
    // A missing asset is a 404, a client-side route gets the app.
    if (/\.[a-z0-9]{1,5}$/i.test(path)) {
      await reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'File not found.' } });
      return;
    }
    return this.sendIndex(reply);
  }

  private async sendIndex(reply: FastifyReply): Promise<void> {
    if (!isFile(join(this.root, 'index.html'))) {
      await reply
        .status(404)
        .send({ error: { code: 'NOT_FOUND', message: 'The console is not built: run npm run build:console.' } });
      return;
    }
    reply.headers(SECURITY_HEADERS).header('Cache-Control', 'no-cache');
    return this.send(reply, join(this.root, 'index.html'));
  }

  private async send(reply: FastifyReply, file: string): Promise<void> {
    const mtime = statSync(file).mtimeMs;
    let entry = this.cache.get(file);
    if (!entry || entry.mtime !== mtime) {
      entry = { mtime, body: await readFile(file) };
      if (this.cache.size > 200) this.cache.clear();
      this.cache.set(file, entry);
    }
    await reply.type(TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream').send(entry.body);
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
