import pg from 'pg';
import { runStoreContracts, runUnreachableContract } from '../../contract/run-store-contracts.js';
import { skipContract, uniqueDatabaseName } from '../../contract/skip.js';
import { parseStorageUrl, type NetworkTarget } from '../../database-url.js';
import { errorCode } from '../../errors.js';
import { openPostgres } from './open-postgres.js';

// Each run works in a database of its own, created here and dropped at the end, so runs in parallel never meet.
const baseUrl = process.env.CAIRN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const base = parseStorageUrl(baseUrl, '.') as NetworkTarget;
const database = uniqueDatabaseName();

function client(db: string | undefined): pg.Client {
  return new pg.Client({ host: base.host, port: base.port, user: base.user, password: base.password, database: db, connectionTimeoutMillis: 5_000 });
}

let admin: pg.Client | undefined = client(base.database);
let failure = '';
try {
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
} catch (error) {
  failure = `cannot use postgres at ${base.address} (CAIRN_TEST_PG_URL=${base.display}): ${errorCode(error) ?? String(error)}`;
  await admin.end().catch(() => undefined);
  admin = undefined;
}

if (admin === undefined) {
  skipContract('postgres', failure);
} else {
  const adminClient = admin;
  const target: NetworkTarget = { ...base, database };
  // schema_version lives in the run's database: reach it with a short-lived client there.
  const inRunDatabase = async <T>(use: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = client(database);
    await c.connect();
    try {
      return await use(c);
    } finally {
      await c.end();
    }
  };
  runStoreContracts(
    'postgres',
    () => openPostgres(target),
    async () => {
      await adminClient.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await adminClient.end();
    },
    {
      versions: () => inRunDatabase(async (c) => (await c.query('SELECT version FROM schema_version ORDER BY version')).rows.map((r) => Number(r.version))),
      record: (version) => inRunDatabase(async (c) => void (await c.query('INSERT INTO schema_version (version) VALUES ($1)', [version]))),
    },
  );
}

runUnreachableContract('postgres', 'postgresql://postgres:hunter2-not-shown@127.0.0.1:1/test', /^StorageUnavailableError: cannot reach postgres at 127\.0\.0\.1:1: ECONNREFUSED$/, 'hunter2-not-shown');
