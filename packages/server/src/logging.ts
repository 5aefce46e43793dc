import pino, { type Logger } from 'pino';

const SECRET_PARAMS = /([?&](?:password|accessToken|access_token|pwd|secretKey)=)[^&]*/gi;

/** Removes secret values from a URL: the npm client sends the password in every request's query string. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1***');
}

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'cairn' },
    redact: { paths: ['password', 'accessToken', '*.password', '*.accessToken', 'req.headers.authorization'], censor: '***' },
    serializers: {
      req: (req: { method?: string; url?: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url ?? ''), ip: req.ip }),
      err: pino.stdSerializers.err,
    },
  });
}
