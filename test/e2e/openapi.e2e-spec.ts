import { servedRoutes } from '../../apps/api/src/docs/route-table';
import { KizukiEnv } from '../../fixtures/kizuki-env';

jest.setTimeout(60_000);

// Routes that are deliberately not in the OpenAPI document, each with its reason.
const UNDOCUMENTED: { match: (method: string, url: string) => boolean; why: string }[] = [
  {
    match: (_m, u) => u === '/docs' || u.startsWith('/docs/') || u.startsWith('/docs-'),
    why: 'the documentation itself (Swagger UI and its assets, the JSON/YAML document)',
  },
  { match: (_m, u) => u === '/console' || u.startsWith('/console/'), why: "the admin console SPA's static files" },
  { match: (_m, u) => u === '/demo' || u.startsWith('/demo/'), why: 'the demo shop page (npm start only)' },
  { match: (m) => m === 'HEAD', why: 'Fastify adds HEAD for every GET' },
];

/** Fastify's /v1/users/:userId → OpenAPI's /v1/users/{userId}. */
const toOpenApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describe('OpenAPI document', () => {
  const env = new KizukiEnv();
  beforeAll(() => env.start());
  afterAll(() => env.stop());

  it('lists exactly the routes the app serves (except the documentation, console and demo pages)', async () => {
    const doc = (await env.get('/docs-json')).body;
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    const served = new Set(
      servedRoutes(env.api.getHttpAdapter().getInstance())
        .filter((r) => !UNDOCUMENTED.some((u) => u.match(r.method, r.url)))
        .map((r) => `${r.method} ${toOpenApiPath(r.url)}`),
    );
    expect([...documented].sort()).toEqual([...served].sort());
    // the public API and the admin API are both there
    for (const r of [
      'POST /v1/collect',
      'POST /v1/risk',
      'POST /v1/feedback',
      'GET /v1/assessments/{id}',
      'GET /admin/api/logins',
      'GET /metrics',
    ])
      expect(documented).toContain(r);
  });

  it('documents bodies from the validation rules, answers with examples and the error shape', async () => {
    const doc = (await env.get('/docs-json')).body;
    const risk = doc.paths['/v1/risk'].post;
    expect(risk.security).toEqual([{ secretKey: [] }]);
    expect(risk.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/RiskAnswerDto');
    expect(risk.responses['401'].content['application/json'].schema.$ref).toBe('#/components/schemas/ErrorBodyDto');
    const body = doc.components.schemas.RiskDto;
    expect(body.required).toEqual(expect.arrayContaining(['event', 'status', 'user', 'context']));
    expect(body.properties.status.enum).toEqual(['attempted', 'succeeded', 'failed']);
    expect(doc.components.schemas.RiskContextDto.properties.ip.format).toBe('ip');
    expect(doc.components.schemas.PointerDto.properties.moves).toMatchObject({ type: 'array', maxItems: 6000 });
    expect(doc.components.schemas.ErrorBodyDto.properties.error.$ref).toBe('#/components/schemas/ErrorDetailDto');
    expect(doc.components.schemas.RiskAnswerDto.properties.decision.example).toBe('challenge');
    // every operation has a summary and at least one error answer
    for (const [path, item] of Object.entries(
      doc.paths as Record<string, Record<string, { summary?: string; responses: Record<string, unknown> }>>,
    )) {
      for (const [method, op] of Object.entries(item)) {
        expect([`${method} ${path}`, op.summary]).toEqual([`${method} ${path}`, expect.any(String)]);
        expect([`${method} ${path}`, Object.keys(op.responses).some((s) => Number(s) >= 400)]).toEqual([
          `${method} ${path}`,
          true,
        ]);
      }
    }
  });

  it('serves Swagger UI and its assets from this server (no CDN)', async () => {
    const page = await fetch(`${env.baseUrl}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    const srcs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(srcs.length).toBeGreaterThan(0);
    for (const src of srcs) {
      expect(src).not.toMatch(/^(https?:)?\/\//);
      const asset = await fetch(new URL(src, `${env.baseUrl}/docs/`));
      expect([src, asset.status]).toEqual([src, 200]);
    }
  });
});
