import type { FlagSpec, FlagValues } from './args.js';
import type { Session } from './auth/session.js';

/** Where a command writes: stdout carries the answer (a table or JSON), stderr progress and errors. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Progress is drawn only for a person watching a terminal, never into a pipe or a log. */
  stderrIsTTY: boolean;
  env: Record<string, string | undefined>;
  /** Who the command acts as (`--username`, or the stored `cairn login`); set before `run` unless the command has its own. */
  session?: Session;
}

export interface Command {
  /** The words that select it: `['instance', 'register']`. */
  words: string[];
  summary: string;
  /** Extra lines after the flags: what it prints, an example. */
  details?: string;
  flags: FlagSpec[];
  /** `own`: the command handles `--username` and stored logins itself (login, logout, doctor). */
  credentials?: 'own';
  /** Resolves with the exit code. */
  run(flags: FlagValues, io: CliIo): Promise<number>;
}

/** Flags every command except `start` accepts. */
export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'server', kind: 'string', value: 'ADDR', help: 'server address host:port or URL (env CAIRN_SERVER; default 127.0.0.1:8848)' },
  { name: 'namespace', kind: 'string', value: 'ID', help: 'namespace id (default public)' },
  { name: 'json', kind: 'bool', help: 'print JSON instead of a table' },
  { name: 'username', kind: 'string', value: 'USER', help: 'log in as USER for this command (password from CAIRN_PASSWORD, or asked); default: the cairn login of --server' },
  { name: 'password', kind: 'string', value: 'PASS', help: 'password for --username; visible in the process list: prefer CAIRN_PASSWORD' },
  { name: 'help', kind: 'bool', help: 'show this help' },
];

/** Exit codes: 0 done, 1 the server or a check said no, 2 the command line was wrong. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export function str(flags: FlagValues, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function int(flags: FlagValues, name: string): number | undefined {
  const v = flags[name];
  return typeof v === 'number' ? v : undefined;
}

export function bool(flags: FlagValues, name: string): boolean | undefined {
  const v = flags[name];
  return typeof v === 'boolean' ? v : undefined;
}
