import type { CairnStores } from '@cairn/core';
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { SqlDriver } from '../drivers/sql-driver.js';
import { SchemaTooNewError, StorageUnavailableError } from '../errors.js';
import { openStores, storesOn } from '../open-stores.js';
import { runAuthStoreContract } from './auth-store-contract.js';
import { instance, overlay } from './fixtures.js';
import { runConfigStoreContract } from './config-store-contract.js';
import { runNamespaceStoreContract } from './namespace-store-contract.js';
import { runNamingStoreContract } from './naming-store-contract.js';

/** What a contract run needs beyond opening the database: direct access to its schema_version table. */
export interface SchemaAccess {
  /** The versions recorded in schema_version, ascending. */
  versions(): Promise<number[]>;
  /** Records a version, as a newer Cairn's migration would. */
  record(version: number): Promise<void>;
}

/** The schema version the drivers migrate to; every dialect numbers its migrations alike. */
export const LATEST_SCHEMA_VERSION = 8;

/**
 * Every store's contract on one dialect, run by each driver's test file. `open` opens (again) the run's own
 * database and migrates it, `cleanup` drops it. The stores are built on the driver as `openStores` builds them,
 * so a new context's store is covered once its contract is added here.
 */
export function runStoreContracts(name: string, open: () => Promise<SqlDriver>, cleanup: () => Promise<void>, schema: SchemaAccess): void {
  const withStores = async (use: (stores: CairnStores) => Promise<void>) => {
    const stores = storesOn(await open());
    try {
      await use(stores);
    } finally {
      await stores.close();
    }
  };

  describe(`${name} store contracts`, () => {
    after(cleanup);

    test('two servers opening a new database at once apply each migration once', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      await Promise.all([a.close(), b.close()]);
      assert.deepEqual(await schema.versions(), [1, 2, 3, 4, 5, 6, 7, LATEST_SCHEMA_VERSION]);
    });

    describe('namespace store', () => runNamespaceStoreContract((use) => withStores((stores) => use(stores.namespaces))));
    describe('naming store', () => runNamingStoreContract((use) => withStores((stores) => use(stores.naming))));
    describe('config store', () => runConfigStoreContract((use) => withStores((stores) => use(stores.config))));
    describe('auth store', () => runAuthStoreContract((use) => withStores((stores) => use(stores.auth))));

    test("reopening keeps every store's records and applies no migration again", async () => {
      await withStores(async ({ namespaces, naming }) => {
        await namespaces.saveNamespace({ id: 'reopen', name: 'Reopen', description: 'kept', createdAt: 11 });
        await naming.saveInstance(instance('reopen', '10.1.1.1', 80));
        await naming.saveOverlay(overlay('reopen', '10.1.1.1', 80, { weight: 2 }));
      });
      await withStores(async ({ namespaces, naming }) => {
        assert.deepEqual(
          (await namespaces.loadNamespaces()).filter((n) => n.id === 'reopen'),
          [{ id: 'reopen', name: 'Reopen', description: 'kept', createdAt: 11 }],
        );
        assert.deepEqual(
          (await naming.loadInstances()).filter((i) => i.namespace === 'reopen'),
          [instance('reopen', '10.1.1.1', 80)],
        );
        assert.deepEqual(
          (await naming.loadOverlays()).filter((o) => o.namespace === 'reopen'),
          [overlay('reopen', '10.1.1.1', 80, { weight: 2 })],
        );
      });
      assert.deepEqual(await schema.versions(), [1, 2, 3, 4, 5, 6, 7, LATEST_SCHEMA_VERSION]);
    });

    // Last: it leaves the database at a version no driver accepts.
    test('a schema newer than the driver is refused with SchemaTooNewError', async () => {
      await schema.record(LATEST_SCHEMA_VERSION + 97);
      await assert.rejects(open(), (e: unknown) => e instanceof SchemaTooNewError && e.message.includes(`version ${LATEST_SCHEMA_VERSION + 97}, newer than this server understands (${LATEST_SCHEMA_VERSION})`));
    });
  });
}

/**
 * Opening the stores of a URL that points at an unreachable database fails at once with StorageUnavailableError
 * saying where, and without the password. Runs even when the real database is not there.
 */
export function runUnreachableContract(name: string, url: string, expected: RegExp, password: string): void {
  test(`${name}: an unreachable database fails with a clear error that hides the password`, async () => {
    await assert.rejects(openStores(url, '/nonexistent'), (e: unknown) => {
      assert.ok(e instanceof StorageUnavailableError, `expected StorageUnavailableError, got ${String(e)}`);
      assert.match(String(e), expected);
      if (password !== '') assert.ok(!String(e).includes(password), `the message shows the password: ${String(e)}`);
      return true;
    });
  });
}
