import type { CairnStores } from '@cairn/core';
import { openStores } from '@cairn/storage';
import { dirname } from 'node:path';

export interface SwitchableStores {
  readonly stores: CairnStores;
  /** While down, every write (save*, delete*, write*, append*, add*, assign*, remove*) of every store is refused. */
  setDown(down: boolean): void;
  /** Writes attempted so far, refused ones included. */
  writes(): number;
}

/**
 * Real SQLite stores whose writes fail while `down` is set: the database refusing, as one that went away does.
 * Reads always work.
 *
 * @example
 *   const db = await switchableStores(join(dir, 'cairn.db'));
 *   const ts = await startTestServer({ storeWaitMs: 300 }, { stores: db.stores });
 *   db.setDown(true); // the next change answers 503
 */
export async function switchableStores(file: string, error = 'connection lost (injected)'): Promise<SwitchableStores> {
  const real = await openStores(`sqlite:${file}`, dirname(file));
  let down = false;
  let writes = 0;
  const failingWrites = <S extends object>(store: S): S =>
    new Proxy(store, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        const isWrite = typeof name === 'string' && /^(save|delete|write|append|add|assign|remove)/.test(name);
        return (...args: unknown[]) => {
          if (isWrite) {
            writes++;
            if (down) return Promise.reject(Object.assign(new Error(error), { code: 'ECONNRESET' }));
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const stores = { namespaces: failingWrites(real.namespaces), naming: failingWrites(real.naming), config: failingWrites(real.config), auth: failingWrites(real.auth), close: () => real.close() };
  return {
    stores,
    setDown: (d) => {
      down = d;
    },
    writes: () => writes,
  };
}
