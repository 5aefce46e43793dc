import mysql from 'mysql2/promise';
import { runStoreContracts, runUnreachableContract } from '../../contract/run-store-contracts.js';
import { skipContract, uniqueDatabaseName } from '../../contract/skip.js';
import { parseStorageUrl, type NetworkTarget } from '../../database-url.js';
import { errorCode } from '../../errors.js';
import { openMysql } from './open-mysql.js';

// Each run works in a database of its own, created here and dropped at the end, so runs in parallel never meet.
const baseUrl = process.env.CAIRN_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const base = parseStorageUrl(baseUrl, '.') as NetworkTarget;
const database = uniqueDatabaseName();

async function connectAdmin(): Promise<mysql.Connection> {
  return mysql.createConnection({ host: base.host, port: base.port, user: base.user, password: base.password, connectTimeout: 5_000 });
}

let admin: mysql.Connection | undefined;
let failure = '';
try {
  admin = await connectAdmin();
  await admin.query(`CREATE DATABASE \`${database}\``);
} catch (error) {
  failure = `cannot use mysql at ${base.address} (CAIRN_TEST_MYSQL_URL=${base.display}): ${errorCode(error) ?? String(error)}`;
  await admin?.end().catch(() => undefined);
  admin = undefined;
}

if (admin === undefined) {
  skipContract('mysql', failure);
} else {
  const db = admin;
  const target: NetworkTarget = { ...base, database };
  runStoreContracts(
    'mysql',
    () => openMysql(target),
    async () => {
      await db.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await db.end();
    },
    {
      versions: async () => {
        const [rows] = await db.query(`SELECT version FROM \`${database}\`.schema_version ORDER BY version`);
        return (rows as { version: number }[]).map((r) => r.version);
      },
      record: async (version) => void (await db.query(`INSERT INTO \`${database}\`.schema_version (version) VALUES (?)`, [version])),
    },
  );
}

runUnreachableContract('mysql', 'mysql://root:hunter2-not-shown@127.0.0.1:1/test', /^StorageUnavailableError: cannot reach mysql at 127\.0\.0\.1:1: ECONNREFUSED$/, 'hunter2-not-shown');
