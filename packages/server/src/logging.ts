import { maskSecrets } from '@cairn/core';
import pino, { type DestinationStream, type Logger } from 'pino';

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
      req: (req: { method?: string; url?: string; ip?: string }) => ({ method: req.method, url: maskSecrets(req.url ?? ''), ip: req.ip }),
      err: redactedError,
    },
    hooks: {
      // Messages are free text that may quote a URL; scrub them like URLs.
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? maskSecrets(a) : a)) as Parameters<typeof method>;
        method.apply(this, scrubbed);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

function redactedError(error: Error): pino.SerializedError {
  const out = pino.stdSerializers.err(error);
  if (out === null || typeof out !== 'object') return out;
  if (typeof out.message === 'string') out.message = maskSecrets(out.message);
  if (typeof out.stack === 'string') out.stack = maskSecrets(out.stack);
  return out;
}
