import type { StoredLogin } from '../auth/token-store.js';
import type { ConfigDiagnosisView } from '../config-diagnosis.js';
import { NoAnswerError } from '../http.js';
import type { ServerAddress } from '../server-address.js';

export type CheckStatus = 'ok' | 'fail' | 'skip';

/** One line of the doctor's report. */
export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** What was found, in one line. */
  summary: string;
  /** Evidence worth reading: the server's explanation, addresses tried. */
  details: string[];
  /** For a failure: what to change. */
  fix?: string;
}

export type Outcome = Omit<CheckResult, 'name'>;

export function ok(summary: string, details: string[] = []): Outcome {
  return { status: 'ok', summary, details };
}

export function fail(summary: string, fix: string, details: string[] = []): Outcome {
  return { status: 'fail', summary, details, fix };
}

export function skip(summary: string): Outcome {
  return { status: 'skip', summary, details: [] };
}

export type LookupAll = (host: string) => Promise<string[]>;

/** What the user asked to check, and what earlier checks found for the later ones. */
export interface DoctorState {
  serverInput: string;
  namespace: string;
  group: string;
  service?: string;
  ip?: string;
  port?: number;
  username?: string;
  password?: string;
  /** The `cairn login` kept for this server, used when no `--username` is given. */
  storedLogin?: StoredLogin;
  lookup: LookupAll;
  /** Set by the address check. */
  address?: ServerAddress;
  /** Set by the DNS check: the addresses to connect to. */
  resolved?: string[];
  /** Set by the credentials check: parameters that authenticate a request (`accessToken`). */
  auth: Record<string, string>;
  /** The config to check (`--data-id`, with `group` and `namespace`). */
  dataId?: string;
  /** The address of the application's config client, when not the one the server sees this doctor at. */
  clientIp?: string;
  /** The server's config diagnosis (or the HTTP status it answered instead), asked once by the config checks. */
  configDiagnosis?: ConfigDiagnosisView | number;
}

export interface Check {
  name: string;
  /** Shown while it runs, e.g. "connecting to 127.0.0.1:8848". */
  activity(state: DoctorState): string;
  /** Checks whose `ok` this one needs; if one did not pass, this one is skipped and says why. */
  needs: string[];
  run(state: DoctorState): Promise<Outcome>;
}

/** Runs the checks in order; a check whose prerequisite did not pass is skipped with the reason. */
export async function runChecks(checks: Check[], state: DoctorState, onActivity: (label: string) => void, onResult: (r: CheckResult) => void): Promise<CheckResult[]> {
  const results = new Map<string, CheckResult>();
  // For a check skipped because of another, the check that actually failed (or skipped on its own).
  const rootCause = new Map<string, CheckResult>();
  for (const check of checks) {
    const blocker = check.needs.map((n) => results.get(n)).find((r) => r !== undefined && r.status !== 'ok');
    let outcome: Outcome;
    if (blocker) {
      const root = rootCause.get(blocker.name) ?? blocker;
      rootCause.set(check.name, root);
      outcome = skip(root.status === 'fail' ? `skipped because the ${root.name} check failed` : `skipped: ${root.summary}`);
    } else {
      onActivity(`${check.name}: ${check.activity(state)}`);
      try {
        outcome = await check.run(state);
      } catch (error) {
        if (error instanceof NoAnswerError) {
          outcome = fail(`the server stopped answering: ${error.message}`, 'it answered a moment ago, so it may be overloaded or restarting: look at its log and try again');
        } else {
          // A bug or an unforeseen answer must still end in a report, not a stack trace.
          outcome = fail(`the check itself failed: ${error instanceof Error ? error.message : String(error)}`, 'report this as a bug in cairn doctor, with the output above');
        }
      }
    }
    const result = { name: check.name, ...outcome };
    results.set(check.name, result);
    onResult(result);
  }
  return [...results.values()];
}
