/**
 * Numbered schema migrations for MySQL/MariaDB, in step with the SQLite ones (version N means the same tables
 * everywhere). MySQL commits each DDL statement on its own, so every statement is written to be re-runnable
 * (IF NOT EXISTS): a migration cut off half-way completes on the next start. Never edit a shipped one.
 *
 * Key columns whose values core restricts to ASCII (namespace id, group, ip, cluster) are ascii_bin, so the
 * widest primary key stays under InnoDB's 3072-byte limit; every text compares byte-exact (Nacos names are
 * case-sensitive, MySQL's default collation is not).
 */
const ASCII = 'CHARACTER SET ascii COLLATE ascii_bin';
const TABLE = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';

export const MYSQL_MIGRATIONS: readonly { version: number; statements: readonly string[] }[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE IF NOT EXISTS namespaces (
        id VARCHAR(128) ${ASCII} NOT NULL PRIMARY KEY,
        name VARCHAR(256) NOT NULL,
        description TEXT NOT NULL,
        created_at BIGINT NOT NULL
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS services (
        namespace VARCHAR(128) ${ASCII} NOT NULL,
        group_name VARCHAR(128) ${ASCII} NOT NULL,
        name VARCHAR(512) NOT NULL,
        kind VARCHAR(16),
        protect_threshold DOUBLE NOT NULL DEFAULT 0,
        metadata TEXT NOT NULL,
        selector TEXT NOT NULL,
        clusters MEDIUMTEXT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (namespace, group_name, name)
      ) ${TABLE}`,
    ],
  },
  {
    version: 2,
    statements: [
      `CREATE TABLE IF NOT EXISTS instances (
        namespace VARCHAR(128) ${ASCII} NOT NULL,
        group_name VARCHAR(128) ${ASCII} NOT NULL,
        service VARCHAR(512) NOT NULL,
        ip VARCHAR(253) ${ASCII} NOT NULL,
        port INT NOT NULL,
        cluster VARCHAR(64) ${ASCII} NOT NULL,
        weight DOUBLE NOT NULL,
        enabled TINYINT(1) NOT NULL,
        healthy TINYINT(1) NOT NULL,
        metadata TEXT NOT NULL,
        instance_id VARCHAR(1024) NOT NULL,
        registered_at BIGINT NOT NULL,
        last_health_change_at BIGINT NOT NULL,
        PRIMARY KEY (namespace, group_name, service, ip, port)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS instance_overlays (
        namespace VARCHAR(128) ${ASCII} NOT NULL,
        group_name VARCHAR(128) ${ASCII} NOT NULL,
        service VARCHAR(512) NOT NULL,
        ip VARCHAR(253) ${ASCII} NOT NULL,
        port INT NOT NULL,
        cluster VARCHAR(64) ${ASCII} NOT NULL,
        enabled TINYINT(1),
        weight DOUBLE,
        metadata TEXT,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (namespace, group_name, service, ip, port, cluster)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS journal (
        id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
        seq BIGINT NOT NULL,
        at_ms BIGINT NOT NULL,
        cause VARCHAR(64) NOT NULL,
        namespace VARCHAR(128) NOT NULL,
        group_name VARCHAR(128) NOT NULL,
        service VARCHAR(512) NOT NULL,
        cluster VARCHAR(64),
        ip VARCHAR(253),
        port INT,
        ephemeral TINYINT(1),
        healthy TINYINT(1),
        evidence MEDIUMTEXT NOT NULL,
        INDEX journal_at (at_ms)
      ) ${TABLE}`,
    ],
  },
  {
    // Config: the current version of each config, and the history of every publish and delete (ids from core).
    version: 3,
    statements: [
      `CREATE TABLE IF NOT EXISTS configs (
        namespace VARCHAR(128) ${ASCII} NOT NULL,
        group_name VARCHAR(128) ${ASCII} NOT NULL,
        data_id VARCHAR(256) ${ASCII} NOT NULL,
        id BIGINT NOT NULL,
        content MEDIUMTEXT NOT NULL,
        md5 VARCHAR(32) NOT NULL,
        type VARCHAR(16) NOT NULL,
        app_name VARCHAR(128) NOT NULL,
        description VARCHAR(512) NOT NULL,
        tags TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        modified_at BIGINT NOT NULL,
        created_by TEXT NOT NULL,
        modified_by TEXT NOT NULL,
        PRIMARY KEY (namespace, group_name, data_id)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS config_history (
        id BIGINT NOT NULL PRIMARY KEY,
        namespace VARCHAR(128) ${ASCII} NOT NULL,
        group_name VARCHAR(128) ${ASCII} NOT NULL,
        data_id VARCHAR(256) ${ASCII} NOT NULL,
        op CHAR(1) NOT NULL,
        content MEDIUMTEXT NOT NULL,
        md5 VARCHAR(32) NOT NULL,
        app_name VARCHAR(128) NOT NULL,
        type VARCHAR(16) NOT NULL,
        author TEXT NOT NULL,
        at_ms BIGINT NOT NULL,
        INDEX config_history_key (namespace, group_name, data_id, id),
        INDEX config_history_at (at_ms)
      ) ${TABLE}`,
    ],
  },
  {
    // Config gray releases: gray versions (Nacos 2.5's config_info_gray) and the gray name and rule of history records.
    version: 4,
    statements: [
      `CREATE TABLE IF NOT EXISTS config_grays (
        namespace VARCHAR(128) ${ASCII} NOT NULL,
        group_name VARCHAR(128) ${ASCII} NOT NULL,
        data_id VARCHAR(256) ${ASCII} NOT NULL,
        gray_name VARCHAR(32) ${ASCII} NOT NULL,
        gray_rule MEDIUMTEXT NOT NULL,
        id BIGINT NOT NULL,
        content MEDIUMTEXT NOT NULL,
        md5 VARCHAR(32) NOT NULL,
        type VARCHAR(16) NOT NULL,
        app_name VARCHAR(128) NOT NULL,
        created_at BIGINT NOT NULL,
        modified_at BIGINT NOT NULL,
        modified_by TEXT NOT NULL,
        PRIMARY KEY (namespace, group_name, data_id, gray_name)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS config_history_gray (
        id BIGINT NOT NULL PRIMARY KEY,
        gray_name VARCHAR(32) ${ASCII} NOT NULL,
        gray_rule MEDIUMTEXT NOT NULL,
        at_ms BIGINT NOT NULL,
        INDEX config_history_gray_at (at_ms)
      ) ${TABLE}`,
    ],
  },
  {
    // Config fields Nacos keeps besides content: a config's use, effect, schema and encryptedDataKey, and what each
    // main version's history record keeps besides its content (Nacos's ext_info and encrypted_data_key). Schema
    // holds up to 32768 characters, more than TEXT's 65535 bytes in utf8mb4: MEDIUMTEXT.
    version: 5,
    statements: [
      `CREATE TABLE IF NOT EXISTS config_fields (
        namespace VARCHAR(128) ${ASCII} NOT NULL,
        group_name VARCHAR(128) ${ASCII} NOT NULL,
        data_id VARCHAR(256) ${ASCII} NOT NULL,
        config_use VARCHAR(32) NOT NULL,
        config_effect VARCHAR(32) NOT NULL,
        config_schema MEDIUMTEXT NOT NULL,
        encrypted_data_key VARCHAR(1024) NOT NULL,
        PRIMARY KEY (namespace, group_name, data_id)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS config_history_fields (
        id BIGINT NOT NULL PRIMARY KEY,
        description VARCHAR(512) NOT NULL,
        tags TEXT NOT NULL,
        config_use VARCHAR(32) NOT NULL,
        config_effect VARCHAR(32) NOT NULL,
        config_schema MEDIUMTEXT NOT NULL,
        encrypted_data_key VARCHAR(1024) NOT NULL,
        at_ms BIGINT NOT NULL,
        INDEX config_history_fields_at (at_ms)
      ) ${TABLE}`,
    ],
  },
  {
    // Auth (see the SQLite migration 6). Names are utf8mb4 and byte-exact; the widest key (role 128 + resource 512
    // + action 8 characters, 4 bytes each) stays under InnoDB's 3072-byte limit.
    version: 6,
    statements: [
      `CREATE TABLE IF NOT EXISTS auth_users (
        username VARCHAR(128) NOT NULL PRIMARY KEY,
        password_hash VARCHAR(512) NOT NULL,
        enabled TINYINT(1) NOT NULL,
        token_generation BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS auth_roles (
        role VARCHAR(128) NOT NULL,
        username VARCHAR(128) NOT NULL,
        PRIMARY KEY (role, username)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS auth_grants (
        role VARCHAR(128) NOT NULL,
        resource VARCHAR(512) NOT NULL,
        action VARCHAR(8) NOT NULL,
        PRIMARY KEY (role, resource, action)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS auth_signing_keys (
        kid VARCHAR(64) ${ASCII} NOT NULL PRIMARY KEY,
        secret VARCHAR(512) ${ASCII} NOT NULL,
        created_at BIGINT NOT NULL
      ) ${TABLE}`,
    ],
  },
  {
    // Token signing key rotation (see the SQLite migration 7).
    version: 7,
    statements: [
      `CREATE TABLE IF NOT EXISTS auth_signing_key_retirements (
        kid VARCHAR(64) ${ASCII} NOT NULL PRIMARY KEY,
        retired_at BIGINT NOT NULL
      ) ${TABLE}`,
    ],
  },
  {
    // Cluster mode: leases and the change log (see the SQLite migration 8).
    version: 8,
    statements: [
      `CREATE TABLE IF NOT EXISTS cluster_sequence (
        id INTEGER NOT NULL PRIMARY KEY,
        seq BIGINT NOT NULL
      ) ${TABLE}`,
      `INSERT IGNORE INTO cluster_sequence (id, seq) VALUES (1, 0)`,
      `CREATE TABLE IF NOT EXISTS cluster_changes (
        seq BIGINT NOT NULL PRIMARY KEY,
        node VARCHAR(255) ${ASCII} NOT NULL,
        context VARCHAR(32) ${ASCII} NOT NULL,
        change_keys LONGTEXT NOT NULL,
        at BIGINT NOT NULL
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS ephemeral_instances (
        namespace VARCHAR(128) ${ASCII} NOT NULL,
        group_name VARCHAR(128) ${ASCII} NOT NULL,
        service VARCHAR(512) NOT NULL,
        ip VARCHAR(253) ${ASCII} NOT NULL,
        port INT NOT NULL,
        cluster VARCHAR(64) ${ASCII} NOT NULL,
        weight DOUBLE NOT NULL,
        enabled TINYINT(1) NOT NULL,
        healthy TINYINT(1) NOT NULL,
        metadata TEXT NOT NULL,
        instance_id VARCHAR(1024) NOT NULL,
        registered_at BIGINT NOT NULL,
        last_health_change_at BIGINT NOT NULL,
        owner VARCHAR(255) ${ASCII} NOT NULL,
        PRIMARY KEY (namespace, group_name, service, ip, port)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS cluster_members (
        node_id VARCHAR(255) ${ASCII} NOT NULL PRIMARY KEY,
        address VARCHAR(255) ${ASCII} NOT NULL,
        started_at BIGINT NOT NULL,
        renewed_at BIGINT NOT NULL,
        lease_ms INTEGER NOT NULL
      ) ${TABLE}`,
    ],
  },
];
