import { ADMIN_ROLE, type AuthDirectory } from '@cairn/core';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hashPassword, newPasswordProblem } from './passwords.js';

/** The first admin's name, as in Nacos. */
export const FIRST_ADMIN_USERNAME = 'nacos';

export type FirstAdmin =
  | { create: false }
  /** `generated`: nobody chose the password, so it must be shown once (it is never stored in clear or logged again). */
  | { create: true; username: string; password: string; generated: boolean };

/**
 * The first-admin rule as a pure step: when a user holds ROLE_ADMIN nothing is created
 * (a configured password does not reset an existing admin); else `nacos` is created with the configured password, or
 * with a random one (18 random bytes, base64url: 24 characters) to show once. There is no first-caller-wins
 * endpoint. A configured password that is too short or too long throws, saying why and never repeating it.
 *
 * @example
 *   firstAdmin(directory.hasAdmin, process.env.CAIRN_ADMIN_PASSWORD) // { create: true, username: 'nacos', password: '…', generated: true }
 */
export function firstAdmin(hasAdmin: boolean, configured: string | undefined, random: (bytes: number) => Buffer = randomBytes): FirstAdmin {
  if (hasAdmin) return { create: false };
  if (configured === undefined || configured === '') return { create: true, username: FIRST_ADMIN_USERNAME, password: random(18).toString('base64url'), generated: true };
  const problem = newPasswordProblem(configured);
  if (problem) throw new Error(`the configured first-admin password ${problem}`);
  return { create: true, username: FIRST_ADMIN_USERNAME, password: configured, generated: false };
}

/**
 * At a start with auth on: creates the first admin when no user holds ROLE_ADMIN, waits until it is stored, and
 * when nobody chose the password hands it to `announce` (the start prints it once; it is never logged). The
 * password comes from `configured` (CAIRN_ADMIN_PASSWORD) or else the file `passwordFile` names. The store is
 * claimed first (`claimFirstAdmin`: insert unless the user exists, then read back): of cluster nodes starting at
 * once on an empty database, one creates the admin and the others take it as stored, printing nothing.
 */
export async function ensureFirstAdmin(deps: {
  directory: AuthDirectory;
  durability: {
    readonly lastChange: number;
    durable(upTo: number, timeoutMs: number): Promise<void>;
    /** Stores the admin unless its user exists; false when another node's is kept (memory then holds that one). */
    claimFirstAdmin(username: string, passwordHash: string): Promise<boolean>;
  };
  configured: string | undefined;
  passwordFile: string;
  announce: (text: string) => void;
  storeWaitMs: number;
}): Promise<'created' | 'exists'> {
  if (deps.directory.hasAdmin) return 'exists';
  // An empty variable counts as unset; the file is read only when an admin is to be made.
  const configured = deps.configured === '' ? undefined : deps.configured;
  const fromFile = configured === undefined && deps.passwordFile !== '' ? readPasswordFile(deps.passwordFile) : undefined;
  const plan = firstAdmin(false, configured ?? fromFile);
  if (!plan.create) return 'exists';
  // A user of that name holding no ROLE_ADMIN is refused here, as createFirstAdmin refuses it.
  deps.directory.checkNewUser(plan.username);
  const hash = await hashPassword(plan.password);
  if (!(await deps.durability.claimFirstAdmin(plan.username, hash))) {
    if (!deps.directory.hasAdmin) throw new Error(`the first admin '${plan.username}' was not created: a user of that name holding no ${ADMIN_ROLE} is stored`);
    return 'exists';
  }
  deps.directory.createFirstAdmin(plan.username, hash, { sourceIp: 'server', clientAgent: 'cairn', claimedUser: '' });
  await deps.durability.durable(deps.durability.lastChange, deps.storeWaitMs);
  if (plan.generated) {
    deps.announce(
      [
        '',
        '  ┌──────────────────────────────────────────────────────────────────────────┐',
        `  │ First admin created: user '${plan.username}', password ${plan.password}`.padEnd(77) + '│',
        '  │ It is shown only this once. Log in and change it (PUT /v1/auth/users),     │',
        '  │ or set CAIRN_ADMIN_PASSWORD before the first start next time.             │',
        '  └──────────────────────────────────────────────────────────────────────────┘',
        '',
      ].join('\n'),
    );
  }
  return 'created';
}

function readPasswordFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`the first-admin password file '${path}' cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); fix --admin-password-file`);
  }
  // One trailing newline (an editor's) is not part of the password.
  return text.replace(/\r?\n$/, '');
}
