// The floor under a scored login, for bench/load.ts --cost: a bare Fastify server taking the same
// two calls a login makes of Kizuki. POST /v1/collect parses the SDK bundle and answers a token
// (the bundle kept in memory); POST /v1/risk parses its body, does one Redis INCR and one INSERT
// (the bundle and the call, as one row), and answers. No checks, no scoring: what a login costs
// here is what any service with this traffic pays. Prints its port on stdout.
//   tsx bench/lib/floor-server.ts <postgres url> <redis url> <redis prefix>
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import IORedis from 'ioredis';
import { Pool } from 'pg';

const [pgUrl, redisUrl, prefix] = process.argv.slice(2);
const db = new Pool({ connectionString: pgUrl, max: 10 });
const redis = new IORedis(redisUrl, { enableAutoPipelining: true });
const bundles = new Map<string, unknown>();
const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });

app.post('/v1/collect', async (req, reply) => {
  const token = `rt_${randomUUID()}`;
  bundles.set(token, req.body);
  reply.code(202);
  return { requestToken: token, expiresAt: new Date(Date.now() + 600_000).toISOString() };
});

app.post('/v1/risk', async (req) => {
  const body = req.body as { requestToken?: string; user?: { id?: string }; context?: { ip?: string } };
  const bundle = body.requestToken ? bundles.get(body.requestToken) : undefined;
  if (body.requestToken) bundles.delete(body.requestToken);
  const id = randomUUID();
  const [count] = await Promise.all([
    redis.incr(`${prefix}:floor:${body.context?.ip ?? ''}`),
    db.query('INSERT INTO floor_logins (id, user_id, ip, bundle) VALUES ($1, $2, $3, $4)', [
      id,
      body.user?.id ?? '',
      body.context?.ip ?? null,
      JSON.stringify(bundle ?? null),
    ]),
  ]);
  return { id, decision: 'allow', score: 0, ipCount: count };
});

async function main(): Promise<void> {
  await db.query(
    'CREATE TABLE IF NOT EXISTS floor_logins (id uuid PRIMARY KEY, user_id text NOT NULL, ip inet, ' +
      'bundle jsonb, created_at timestamptz NOT NULL DEFAULT now())',
  );
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(new URL(address).port);
}
void main();
