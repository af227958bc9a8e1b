// A customer's login backend protected by Kizuki, end to end:
//   the page loads the SDK from Kizuki; the backend asks Kizuki through @kizuki/client and acts on
//   the decision; a webhook receiver verifies Kizuki's signatures.
// Run Kizuki (`npm start` at the repo root prints demo keys into .kizuki/demo.json), build the
// client once (`npm run build:client` at the root), then here: npm install && npm start
const fs = require('node:fs');
const path = require('node:path');
const express = require('express');
const { KizukiClient, kizukiLogin, verifyWebhookSignature } = require('@kizuki/client');

const demoFile = path.join(
  process.env.KIZUKI_STATE_DIR ? path.resolve(process.env.KIZUKI_STATE_DIR) : path.join(__dirname, '../../.kizuki'),
  'demo.json',
);
const demo = fs.existsSync(demoFile) ? JSON.parse(fs.readFileSync(demoFile, 'utf8')) : {};
const KIZUKI_URL = process.env.KIZUKI_URL || 'http://localhost:3000';
const PUBLISHABLE_KEY = process.env.KIZUKI_PUBLISHABLE_KEY || demo.publishableKey;
const SECRET_KEY = process.env.KIZUKI_SECRET_KEY || demo.secretKey;
const WEBHOOK_SECRET = process.env.KIZUKI_WEBHOOK_SECRET || ''; // whsec_… shown once when you add the endpoint
const PORT = Number(process.env.PORT || 4000);
if (!PUBLISHABLE_KEY || !SECRET_KEY) {
  console.error(
    'Set KIZUKI_PUBLISHABLE_KEY and KIZUKI_SECRET_KEY, or run `npm start` at the repo root first (.kizuki/demo.json).',
  );
  process.exit(1);
}

const kizuki = new KizukiClient({ endpoint: KIZUKI_URL, secretKey: SECRET_KEY });
const USERS = { 'hanako@example.jp': 'correct horse battery staple' }; // your user store
const app = express();
app.set('trust proxy', 'loopback'); // so req.ip is the user's address behind your proxy

app.get('/', (_req, res) => {
  res.type('html').send(
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Shop login</title></head><body>
  <h1>Sign in</h1>
  <form id="login" method="post" action="/session">
    <input name="username" autocomplete="username" placeholder="hanako@example.jp">
    <input name="password" type="password" autocomplete="current-password">
    <button>Sign in</button>
  </form>
  <script src="${KIZUKI_URL}/sdk/kizuki.js"></script>
  <script>Kizuki.load({ publishableKey: ${JSON.stringify(PUBLISHABLE_KEY)}, ` +
      `endpoint: ${JSON.stringify(KIZUKI_URL)} })` +
      `.watch(document.getElementById('login'));</script>
  </body></html>`,
  );
});

// The login: Kizuki's answer arrives on req.kizuki before the password check.
app.post('/session', express.urlencoded({ extended: false }), kizukiLogin(kizuki), async (req, res) => {
  const risk = req.kizuki;
  const ok = USERS[req.body.username] === req.body.password;
  if (risk.decision === 'deny') return res.status(403).send('Sign-in refused.');
  if (!ok) return res.status(401).send('Wrong e-mail or password.');
  if (risk.decision === 'challenge')
    return res.send(`Second factor needed (reasons: ${risk.reasons.map((r) => r.code).join(', ') || 'fallback'}).`);
  if (risk.links)
    console.log(
      `E-mail ${req.body.username}: "New device — was this you?" yes: ${risk.links.approve} no: ${risk.links.report}`,
    );
  await kizuki.feedback(risk.id, 'legit').catch(() => undefined); // tell Kizuki how it ended (when it has an id)
  res.send(`Welcome ${req.body.username} (decision ${risk.decision}, score ${risk.score}).`);
});

// Webhooks: the raw body is what is signed.
app.post('/hooks/kizuki', express.raw({ type: 'application/json' }), (req, res) => {
  try {
    const event = verifyWebhookSignature(req.body, req.headers['kizuki-signature'], WEBHOOK_SECRET);
    console.log('Kizuki event', event.type, event.data);
    res.sendStatus(204);
  } catch (e) {
    res.status(400).send(String(e.message));
  }
});

app.listen(PORT, () => console.log(`Example shop on http://localhost:${PORT} (Kizuki at ${KIZUKI_URL})`));
