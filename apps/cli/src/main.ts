import 'reflect-metadata';
import { loadConfig, ConfigError } from '@kizuki/config';
import { createDataSource, migrateDatabase } from '@kizuki/database';
import { parseFlags, one, UsageError } from './args';
import { createAdmin } from './commands/admins';
import { createTenant, originsWarning } from './commands/tenants';
import { importBreached } from './commands/breached';
import { importDocuments } from './commands/documents';
import { loadTorList } from './commands/tor';

const USAGE = [
  'Usage: npm run kizuki -- <command>',
  '  migrate                                             apply migrations, then changed SQL functions',
  '  tenants create --name NAME [--origin URL]...        create a tenant; ' +
    'prints {"tenantId","publishableKey","secretKey"};',
  '                                                      without --origin its publishable key works from no page',
  '  admins create --tenant ID --email E --role R        create a console user (password on stdin); ' +
    'R = admin|analyst|viewer',
  '  tor load FILE                                       replace the Tor exit list (one IP per line, ' +
    'or exit-addresses format)',
  '  breached import FILE                                replace the breached-password corpus with a ' +
    'Pwned Passwords SHA-1 HASH:COUNT file (or a subset)',
  '  documents import FILE --tenant ID [--hashed] [--replace]',
  "                                                      add document numbers (or, --hashed, @kizuki/client's " +
    'documentHash values)',
  "                                                      to the tenant's leaked-document watch list " +
    "(needs the api's KIZUKI_SECRET)",
].join('\n');

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function main(argv: string[]): Promise<void> {
  const { positional, flags } = parseFlags(argv);
  const command = positional.join(' ');
  if (!command || command === 'help' || flags.help) {
    console.log(USAGE);
    return;
  }
  // The CLI needs no master secret for migrations; the other commands do not use it either.
  const config = loadConfig({
    ...process.env,
    KIZUKI_SECRET: process.env.KIZUKI_SECRET || 'cli-does-not-sign-anything-xxxxxxxxxxxx',
  });
  const db = createDataSource({ url: config.DATABASE_URL, poolSize: 2, applicationName: 'kizuki-cli' });
  await db.initialize();
  try {
    switch (command) {
      case 'migrate': {
        const { migrations, functions } = await migrateDatabase(db);
        const applied = [...migrations, ...functions.applied, ...functions.dropped.map((f) => `${f} (dropped)`)];
        console.error(applied.length ? `Applied ${applied.join(', ')}` : 'Database is up to date');
        break;
      }
      case 'tenants create': {
        const origins = flags.origin ?? [];
        console.log(JSON.stringify(await createTenant(db, one(flags, 'name'), origins)));
        const warning = originsWarning(origins);
        if (warning) console.error(warning);
        break;
      }
      case 'admins create': {
        const admin = await createAdmin(
          db,
          one(flags, 'tenant'),
          one(flags, 'email'),
          one(flags, 'role'),
          await readStdin(),
        );
        console.log(JSON.stringify({ adminId: admin.id }));
        break;
      }
      default:
        if (positional[0] === 'breached' && positional[1] === 'import' && positional.length === 3) {
          console.log(JSON.stringify(await importBreached(config.DATABASE_URL, positional[2])));
          break;
        }
        if (positional[0] === 'documents' && positional[1] === 'import' && positional.length === 3) {
          // Hashes must match what the api derives from its secret: a placeholder would match nothing.
          if (!process.env.KIZUKI_SECRET) throw new UsageError("documents import needs KIZUKI_SECRET (the api's)");
          const result = await importDocuments(db, config.KIZUKI_SECRET, one(flags, 'tenant'), positional[2], {
            hashed: flags.hashed?.includes('true'),
            replace: flags.replace?.includes('true'),
          });
          console.log(JSON.stringify(result));
          break;
        }
        if (positional[0] === 'tor' && positional[1] === 'load' && positional.length === 3) {
          console.log(JSON.stringify(await loadTorList(db, positional[2])));
          break;
        }
        throw new UsageError(`Unknown command: ${command}`);
    }
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2)).catch((e) => {
  if (e instanceof UsageError) console.error(`${e.message}\n\n${USAGE}`);
  else if (e instanceof ConfigError) console.error(e.message);
  else console.error(`kizuki: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
