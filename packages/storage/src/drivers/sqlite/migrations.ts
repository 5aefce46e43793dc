/** Numbered schema migrations; each runs once, in order, inside a transaction. Never edit a shipped one. */
export const SQLITE_MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE namespaces (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL
      );
      CREATE TABLE services (
        namespace TEXT NOT NULL,
        group_name TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT,
        protect_threshold REAL NOT NULL DEFAULT 0,
        metadata TEXT NOT NULL DEFAULT '{}',
        selector TEXT NOT NULL DEFAULT '{"type":"none"}',
        clusters TEXT NOT NULL DEFAULT '[]',
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (namespace, group_name, name)
      );`,
  },
  {
    // Persistent instances (with their last known health), operator overlays, and the journal of persistent instances.
    version: 2,
    sql: `
      CREATE TABLE instances (
        namespace TEXT NOT NULL,
        group_name TEXT NOT NULL,
        service TEXT NOT NULL,
        ip TEXT NOT NULL,
        port INTEGER NOT NULL,
        cluster TEXT NOT NULL,
        weight REAL NOT NULL,
        enabled INTEGER NOT NULL,
        healthy INTEGER NOT NULL,
        metadata TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        registered_at INTEGER NOT NULL,
        last_health_change_at INTEGER NOT NULL,
        PRIMARY KEY (namespace, group_name, service, ip, port)
      );
      CREATE TABLE instance_overlays (
        namespace TEXT NOT NULL,
        group_name TEXT NOT NULL,
        service TEXT NOT NULL,
        ip TEXT NOT NULL,
        port INTEGER NOT NULL,
        cluster TEXT NOT NULL,
        enabled INTEGER,
        weight REAL,
        metadata TEXT,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (namespace, group_name, service, ip, port, cluster)
      );
      CREATE TABLE journal (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        seq INTEGER NOT NULL,
        at_ms INTEGER NOT NULL,
        cause TEXT NOT NULL,
        namespace TEXT NOT NULL,
        group_name TEXT NOT NULL,
        service TEXT NOT NULL,
        cluster TEXT,
        ip TEXT,
        port INTEGER,
        ephemeral INTEGER,
        healthy INTEGER,
        evidence TEXT NOT NULL
      );
      CREATE INDEX journal_at ON journal (at_ms);`,
  },
  {
    // Config: the current version of each config, and the history of every publish and delete (ids from core).
    version: 3,
    sql: `
      CREATE TABLE configs (
        namespace TEXT NOT NULL,
        group_name TEXT NOT NULL,
        data_id TEXT NOT NULL,
        id INTEGER NOT NULL,
        content TEXT NOT NULL,
        md5 TEXT NOT NULL,
        type TEXT NOT NULL,
        app_name TEXT NOT NULL,
        description TEXT NOT NULL,
        tags TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        modified_by TEXT NOT NULL,
        PRIMARY KEY (namespace, group_name, data_id)
      );
      CREATE TABLE config_history (
        id INTEGER PRIMARY KEY,
        namespace TEXT NOT NULL,
        group_name TEXT NOT NULL,
        data_id TEXT NOT NULL,
        op TEXT NOT NULL,
        content TEXT NOT NULL,
        md5 TEXT NOT NULL,
        app_name TEXT NOT NULL,
        type TEXT NOT NULL,
        author TEXT NOT NULL,
        at_ms INTEGER NOT NULL
      );
      CREATE INDEX config_history_key ON config_history (namespace, group_name, data_id, id);
      CREATE INDEX config_history_at ON config_history (at_ms);`,
  },
  {
    // Config gray releases: gray versions (Nacos 2.5's config_info_gray, name `beta` or `tag_<tag>`), and the gray
    // name and rule of each history record of a gray version (Nacos's publish_type `gray`, gray_name).
    version: 4,
    sql: `
      CREATE TABLE config_grays (
        namespace TEXT NOT NULL,
        group_name TEXT NOT NULL,
        data_id TEXT NOT NULL,
        gray_name TEXT NOT NULL,
        gray_rule TEXT NOT NULL,
        id INTEGER NOT NULL,
        content TEXT NOT NULL,
        md5 TEXT NOT NULL,
        type TEXT NOT NULL,
        app_name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        modified_by TEXT NOT NULL,
        PRIMARY KEY (namespace, group_name, data_id, gray_name)
      );
      CREATE TABLE config_history_gray (
        id INTEGER PRIMARY KEY,
        gray_name TEXT NOT NULL,
        gray_rule TEXT NOT NULL,
        at_ms INTEGER NOT NULL
      );
      CREATE INDEX config_history_gray_at ON config_history_gray (at_ms);`,
  },
  {
    // Config fields Nacos keeps besides content: a config's use, effect, schema and encryptedDataKey (config_fields),
    // and what each main version's history record keeps besides its content (Nacos's ext_info, encrypted_data_key).
    version: 5,
    sql: `
      CREATE TABLE config_fields (
        namespace TEXT NOT NULL,
        group_name TEXT NOT NULL,
        data_id TEXT NOT NULL,
        config_use TEXT NOT NULL,
        config_effect TEXT NOT NULL,
        config_schema TEXT NOT NULL,
        encrypted_data_key TEXT NOT NULL,
        PRIMARY KEY (namespace, group_name, data_id)
      );
      CREATE TABLE config_history_fields (
        id INTEGER PRIMARY KEY,
        description TEXT NOT NULL,
        tags TEXT NOT NULL,
        config_use TEXT NOT NULL,
        config_effect TEXT NOT NULL,
        config_schema TEXT NOT NULL,
        encrypted_data_key TEXT NOT NULL,
        at_ms INTEGER NOT NULL
      );
      CREATE INDEX config_history_fields_at ON config_history_fields (at_ms);`,
  },
  {
    // Auth: users (a password hash and a token generation raised on each password change), roles held by users,
    // grants of roles (Nacos's users, roles and permissions), and token signing keys shared by every node.
    version: 6,
    sql: `
      CREATE TABLE auth_users (
        username TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        token_generation INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE auth_roles (
        role TEXT NOT NULL,
        username TEXT NOT NULL,
        PRIMARY KEY (role, username)
      );
      CREATE TABLE auth_grants (
        role TEXT NOT NULL,
        resource TEXT NOT NULL,
        action TEXT NOT NULL,
        PRIMARY KEY (role, resource, action)
      );
      CREATE TABLE auth_signing_keys (
        kid TEXT PRIMARY KEY,
        secret TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );`,
  },
  {
    // Token signing key rotation: when a key was retired (a row per retired key; a key without one is in use). A
    // table of its own rather than a column, so the MySQL migration stays re-runnable (IF NOT EXISTS).
    version: 7,
    sql: `
      CREATE TABLE auth_signing_key_retirements (
        kid TEXT PRIMARY KEY,
        retired_at INTEGER NOT NULL
      );`,
  },
  {
    // Cluster mode (PostgreSQL and MySQL only; SQLite refuses it): the members' leases, the change log every node
    // applies in order, and the ephemeral instances each node owns (so every node can list them). A change's number comes from the one row of cluster_sequence, updated in the writing
    // transaction: its row lock makes numbers follow commit order, so a reader never sees 11 before 10 commits.
    // The tables exist here too so that version 8 means the same tables everywhere.
    version: 8,
    sql: `
      CREATE TABLE cluster_sequence (
        id INTEGER PRIMARY KEY,
        seq INTEGER NOT NULL
      );
      INSERT INTO cluster_sequence (id, seq) VALUES (1, 0);
      CREATE TABLE cluster_changes (
        seq INTEGER PRIMARY KEY,
        node TEXT NOT NULL,
        context TEXT NOT NULL,
        change_keys TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE TABLE ephemeral_instances (
        namespace TEXT NOT NULL,
        group_name TEXT NOT NULL,
        service TEXT NOT NULL,
        ip TEXT NOT NULL,
        port INTEGER NOT NULL,
        cluster TEXT NOT NULL,
        weight REAL NOT NULL,
        enabled INTEGER NOT NULL,
        healthy INTEGER NOT NULL,
        metadata TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        registered_at INTEGER NOT NULL,
        last_health_change_at INTEGER NOT NULL,
        owner TEXT NOT NULL,
        PRIMARY KEY (namespace, group_name, service, ip, port)
      );
      CREATE TABLE cluster_members (
        node_id TEXT PRIMARY KEY,
        address TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        renewed_at INTEGER NOT NULL,
        lease_ms INTEGER NOT NULL
      );`,
  },
];
