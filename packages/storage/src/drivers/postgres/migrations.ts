/**
 * Numbered schema migrations for PostgreSQL, in step with the SQLite and MySQL ones (version N means the same
 * tables everywhere). PostgreSQL runs DDL inside transactions, so all pending migrations apply atomically.
 * Never edit a shipped one.
 */
export const POSTGRES_MIGRATIONS: readonly { version: number; statements: readonly string[] }[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE namespaces (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        created_at BIGINT NOT NULL
      )`,
      `CREATE TABLE services (
        namespace TEXT NOT NULL,
        group_name TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT,
        protect_threshold DOUBLE PRECISION NOT NULL DEFAULT 0,
        metadata TEXT NOT NULL,
        selector TEXT NOT NULL,
        clusters TEXT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (namespace, group_name, name)
      )`,
    ],
  },
  {
    version: 2,
    statements: [
      `CREATE TABLE instances (
        namespace TEXT NOT NULL,
        group_name TEXT NOT NULL,
        service TEXT NOT NULL,
        ip TEXT NOT NULL,
        port INTEGER NOT NULL,
        cluster TEXT NOT NULL,
        weight DOUBLE PRECISION NOT NULL,
        enabled BOOLEAN NOT NULL,
        healthy BOOLEAN NOT NULL,
        metadata TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        registered_at BIGINT NOT NULL,
        last_health_change_at BIGINT NOT NULL,
        PRIMARY KEY (namespace, group_name, service, ip, port)
      )`,
      `CREATE TABLE instance_overlays (
        namespace TEXT NOT NULL,
        group_name TEXT NOT NULL,
        service TEXT NOT NULL,
        ip TEXT NOT NULL,
        port INTEGER NOT NULL,
        cluster TEXT NOT NULL,
        enabled BOOLEAN,
        weight DOUBLE PRECISION,
        metadata TEXT,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (namespace, group_name, service, ip, port, cluster)
      )`,
      `CREATE TABLE journal (
        id BIGSERIAL PRIMARY KEY,
        seq BIGINT NOT NULL,
        at_ms BIGINT NOT NULL,
        cause TEXT NOT NULL,
        namespace TEXT NOT NULL,
        group_name TEXT NOT NULL,
        service TEXT NOT NULL,
        cluster TEXT,
        ip TEXT,
        port INTEGER,
        ephemeral BOOLEAN,
        healthy BOOLEAN,
        evidence TEXT NOT NULL
      )`,
      'CREATE INDEX journal_at ON journal (at_ms)',
    ],
  },
  {
    // Config: the current version of each config, and the history of every publish and delete (ids from core).
    version: 3,
    statements: [
      `CREATE TABLE configs (
        namespace TEXT NOT NULL,
        group_name TEXT NOT NULL,
        data_id TEXT NOT NULL,
        id BIGINT NOT NULL,
        content TEXT NOT NULL,
        md5 TEXT NOT NULL,
        type TEXT NOT NULL,
        app_name TEXT NOT NULL,
        description TEXT NOT NULL,
        tags TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        modified_at BIGINT NOT NULL,
        created_by TEXT NOT NULL,
        modified_by TEXT NOT NULL,
        PRIMARY KEY (namespace, group_name, data_id)
      )`,
      `CREATE TABLE config_history (
        id BIGINT PRIMARY KEY,
        namespace TEXT NOT NULL,
        group_name TEXT NOT NULL,
        data_id TEXT NOT NULL,
        op TEXT NOT NULL,
        content TEXT NOT NULL,
        md5 TEXT NOT NULL,
        app_name TEXT NOT NULL,
        type TEXT NOT NULL,
        author TEXT NOT NULL,
        at_ms BIGINT NOT NULL
      )`,
      'CREATE INDEX config_history_key ON config_history (namespace, group_name, data_id, id)',
      'CREATE INDEX config_history_at ON config_history (at_ms)',
    ],
  },
  {
    // Config gray releases: gray versions (Nacos 2.5's config_info_gray) and the gray name and rule of history records.
    version: 4,
    statements: [
      `CREATE TABLE config_grays (
        namespace TEXT NOT NULL,
        group_name TEXT NOT NULL,
        data_id TEXT NOT NULL,
        gray_name TEXT NOT NULL,
        gray_rule TEXT NOT NULL,
        id BIGINT NOT NULL,
        content TEXT NOT NULL,
        md5 TEXT NOT NULL,
        type TEXT NOT NULL,
        app_name TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        modified_at BIGINT NOT NULL,
        modified_by TEXT NOT NULL,
        PRIMARY KEY (namespace, group_name, data_id, gray_name)
      )`,
      `CREATE TABLE config_history_gray (
        id BIGINT PRIMARY KEY,
        gray_name TEXT NOT NULL,
        gray_rule TEXT NOT NULL,
        at_ms BIGINT NOT NULL
      )`,
      'CREATE INDEX config_history_gray_at ON config_history_gray (at_ms)',
    ],
  },
  {
    // Config fields Nacos keeps besides content: a config's use, effect, schema and encryptedDataKey, and what each
    // main version's history record keeps besides its content (Nacos's ext_info and encrypted_data_key).
    version: 5,
    statements: [
      `CREATE TABLE config_fields (
        namespace TEXT NOT NULL,
        group_name TEXT NOT NULL,
        data_id TEXT NOT NULL,
        config_use TEXT NOT NULL,
        config_effect TEXT NOT NULL,
        config_schema TEXT NOT NULL,
        encrypted_data_key TEXT NOT NULL,
        PRIMARY KEY (namespace, group_name, data_id)
      )`,
      `CREATE TABLE config_history_fields (
        id BIGINT PRIMARY KEY,
        description TEXT NOT NULL,
        tags TEXT NOT NULL,
        config_use TEXT NOT NULL,
        config_effect TEXT NOT NULL,
        config_schema TEXT NOT NULL,
        encrypted_data_key TEXT NOT NULL,
        at_ms BIGINT NOT NULL
      )`,
      'CREATE INDEX config_history_fields_at ON config_history_fields (at_ms)',
    ],
  },
  {
    // Auth (see the SQLite migration 6).
    version: 6,
    statements: [
      `CREATE TABLE auth_users (
        username TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        enabled BOOLEAN NOT NULL,
        token_generation BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE TABLE auth_roles (
        role TEXT NOT NULL,
        username TEXT NOT NULL,
        PRIMARY KEY (role, username)
      )`,
      `CREATE TABLE auth_grants (
        role TEXT NOT NULL,
        resource TEXT NOT NULL,
        action TEXT NOT NULL,
        PRIMARY KEY (role, resource, action)
      )`,
      `CREATE TABLE auth_signing_keys (
        kid TEXT PRIMARY KEY,
        secret TEXT NOT NULL,
        created_at BIGINT NOT NULL
      )`,
    ],
  },
  {
    // Token signing key rotation (see the SQLite migration 7).
    version: 7,
    statements: [
      `CREATE TABLE auth_signing_key_retirements (
        kid TEXT PRIMARY KEY,
        retired_at BIGINT NOT NULL
      )`,
    ],
  },
  {
    // Cluster mode: leases and the change log (see the SQLite migration 8).
    version: 8,
    statements: [
      `CREATE TABLE cluster_sequence (
        id INTEGER PRIMARY KEY,
        seq BIGINT NOT NULL
      )`,
      `INSERT INTO cluster_sequence (id, seq) VALUES (1, 0)`,
      `CREATE TABLE cluster_changes (
        seq BIGINT PRIMARY KEY,
        node TEXT NOT NULL,
        context TEXT NOT NULL,
        change_keys TEXT NOT NULL,
        at BIGINT NOT NULL
      )`,
      `CREATE TABLE ephemeral_instances (
        namespace TEXT NOT NULL,
        group_name TEXT NOT NULL,
        service TEXT NOT NULL,
        ip TEXT NOT NULL,
        port INTEGER NOT NULL,
        cluster TEXT NOT NULL,
        weight DOUBLE PRECISION NOT NULL,
        enabled BOOLEAN NOT NULL,
        healthy BOOLEAN NOT NULL,
        metadata TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        registered_at BIGINT NOT NULL,
        last_health_change_at BIGINT NOT NULL,
        owner TEXT NOT NULL,
        PRIMARY KEY (namespace, group_name, service, ip, port)
      )`,
      `CREATE TABLE cluster_members (
        node_id TEXT PRIMARY KEY,
        address TEXT NOT NULL,
        started_at BIGINT NOT NULL,
        renewed_at BIGINT NOT NULL,
        lease_ms INTEGER NOT NULL
      )`,
    ],
  },
];
