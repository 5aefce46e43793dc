import { type ConfigKey, configKeyString } from '../config-key.js';
import type { ConfigGray } from './gray-model.js';
import { byPriority } from './gray-selection.js';

/**
 * The gray versions of every config, by config key then gray name, each config's list kept in the order the
 * selection rule tries them (so a read costs no sort). Core's ConfigCenter owns one; nothing else changes it.
 */
export class GrayVersions {
  private readonly byKey = new Map<string, Map<string, ConfigGray>>();
  private readonly sorted = new Map<string, ConfigGray[]>();

  /** A config's gray versions by name (undefined when it has none). */
  namesOf(key: ConfigKey): ReadonlyMap<string, ConfigGray> | undefined {
    return this.byKey.get(configKeyString(key));
  }

  /** A config's gray versions in selection order (beta first, then tags by name). */
  of(key: ConfigKey): readonly ConfigGray[] {
    return this.sorted.get(configKeyString(key)) ?? [];
  }

  get(key: ConfigKey, grayName: string): ConfigGray | undefined {
    return this.byKey.get(configKeyString(key))?.get(grayName);
  }

  set(gray: ConfigGray): void {
    const id = configKeyString(gray);
    let names = this.byKey.get(id);
    if (!names) this.byKey.set(id, (names = new Map()));
    names.set(gray.grayName, gray);
    this.sorted.set(id, byPriority(names.values()));
  }

  delete(key: ConfigKey, grayName: string): ConfigGray | undefined {
    const id = configKeyString(key);
    const names = this.byKey.get(id);
    const gray = names?.get(grayName);
    if (!names || !gray) return undefined;
    names.delete(grayName);
    if (names.size === 0) {
      this.byKey.delete(id);
      this.sorted.delete(id);
    } else this.sorted.set(id, byPriority(names.values()));
    return gray;
  }

  /** Gray versions of every config, for a listing or a check. */
  all(): ConfigGray[] {
    return [...this.sorted.values()].flat();
  }
}
