import type { ProbeResult, ProbeTarget } from '@cairn/core';
import type mysql from 'mysql2';
import { errorCode, runProbe, type ProbeOutcome } from './probe.js';

const DEFAULT_COMMAND = 'SELECT 1';

/**
 * MySQL: a real connection as the checker's `user`/`pwd`, then its `cmd` (default `SELECT 1`). A server error
 * (wrong password, unknown command) or a refused connection is a definite failure, a timeout an ordinary one, as
 * in Nacos. When the command lists the `read_only` variable and it is ON, the node is a replica: a failure.
 */
export async function mysqlProbe(target: ProbeTarget, timeoutMs: number, signal: AbortSignal): Promise<ProbeResult> {
  const mysql = await mysqlDriver();
  return runProbe(target, timeoutMs, signal, (finish) => {
    const connection = mysql.createConnection({
      host: target.ip,
      port: target.port,
      user: target.checker.user ?? '',
      password: target.checker.pwd ?? '',
      connectTimeout: timeoutMs,
    });
    connection.on('error', (error) => finish(failure(error)));
    connection.query({ sql: target.checker.cmd || DEFAULT_COMMAND, timeout: timeoutMs }, (error, rows) => {
      if (error) finish(failure(error));
      else if (reportsReadOnly(rows)) finish({ ok: false, failNow: false, error: 'READ_ONLY' });
      else finish({ ok: true, failNow: false });
    });
    return () => connection.destroy();
  });
}

// Loaded on the first MySQL probe: most servers never run one, and the driver costs about 6 MB of memory.
let driver: Promise<typeof mysql> | undefined;
function mysqlDriver(): Promise<typeof mysql> {
  driver ??= import('mysql2').then((m) => m.default);
  return driver;
}

function failure(error: unknown): ProbeOutcome {
  const code = errorCode(error);
  return { ok: false, failNow: code !== 'ETIMEDOUT' && code !== 'PROTOCOL_SEQUENCE_TIMEOUT', error: code };
}

// Nacos's master check runs `show global variables where variable_name='read_only'` and fails on ON.
function reportsReadOnly(rows: unknown): boolean {
  if (!Array.isArray(rows)) return false;
  return rows.some((row: Record<string, unknown>) => String(row?.Variable_name ?? '').toLowerCase() === 'read_only' && String(row?.Value ?? '').toUpperCase() === 'ON');
}
