import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Parameter names whose values never reach a log. The npm client sends `password` in every URL's query string;
 * `accessToken` is a bearer token; `newPassword` (user edits) and `pwd` (MySQL health checker) carry secrets too.
 * Nacos reads identity parameters case-insensitively, so the match ignores case.
 */
const SECRET_NAMES = new Set(['password', 'newpassword', 'accesstoken', 'access_token', 'pwd', 'secretkey']);

// A `name=value` pair as it appears in a URL, a form body or a message; the value ends at a separator.
const PAIR = /([\w%.-]+)=([^&\s"'<>]*)/g;
// A secret inside JSON carried by a parameter, plain or percent-encoded: `healthChecker={"type":"MYSQL","pwd":"…"}`.
const JSON_SECRET = /((?:"|%22)(?:password|newPassword|accessToken|pwd|secretKey)(?:"|%22)\s*(?::|%3A)\s*(?:"|%22))(.*?)(?="|%22|&|$)/gi;

/**
 * Replaces the value of every secret `name=value` pair in a URL or any other text with `***`. Names are
 * percent-decoded first, so `p%61ssword=…` is caught as well.
 *
 * @example
 *   redactSecrets('/nacos/v1/ns/instance/list?serviceName=a&password=s3cr3t') // '/nacos/v1/ns/instance/list?serviceName=a&password=***'
 */
export function redactSecrets(text: string): string {
  if (!text.includes('=') && !text.includes(':') && !text.includes('%3')) return text;
  return text
    .replace(PAIR, (pair: string, name: string) => (isSecretName(name) ? `${name}=***` : pair))
    .replace(JSON_SECRET, '$1***');
}

function isSecretName(raw: string): boolean {
  let name = raw;
  try {
    name = decodeURIComponent(raw);
  } catch {
    // a malformed escape: compare the raw text
  }
  return SECRET_NAMES.has(name.toLowerCase());
}

/**
 * The server's logger: pino JSON lines on stdout (or `destination`, which tests use to capture them), with
 * secrets removed from request URLs, error messages and stacks, log messages and `password`/`accessToken` fields.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'cairn' },
    redact: {
      paths: ['password', 'accessToken', 'newPassword', '*.password', '*.accessToken', '*.newPassword', 'req.headers.authorization', 'req.headers.accesstoken'],
      censor: '***',
    },
    serializers: {
      req: (req: { method?: string; url?: string; ip?: string }) => ({ method: req.method, url: redactSecrets(req.url ?? ''), ip: req.ip }),
      err: redactedError,
    },
    hooks: {
      // Messages are free text that may quote a URL; scrub them like URLs.
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a)) as Parameters<typeof method>;
        method.apply(this, scrubbed);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

function redactedError(error: Error): pino.SerializedError {
  const out = pino.stdSerializers.err(error);
  if (out === null || typeof out !== 'object') return out;
  if (typeof out.message === 'string') out.message = redactSecrets(out.message);
  if (typeof out.stack === 'string') out.stack = redactSecrets(out.stack);
  return out;
}
