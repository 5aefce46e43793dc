import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * Serves the built web console (packages/console, `vite build` to dist/web) under the context path. The build is
 * a handful of files, so they are read once at start and served from memory with an ETag and a gzip copy; no
 * static-file dependency is needed.
 *
 * - `/nacos/` and `/nacos/index.html`: the page, revalidated on every load (`no-cache`) so a new build shows;
 * - `/nacos/assets/*`: content-hashed by Vite, cached for a year (`immutable`);
 * - the console's own page paths (`/nacos/services…`, `/nacos/configs…`, `/nacos/namespaces`, `/nacos/connections`): index.html, so a reload or a shared
 *   link opens the right page. Only these prefixes: API paths (`/nacos/v1/…`, `/nacos/v2/…`) are never shadowed.
 */
export function consoleStatic(app: FastifyInstance, contextPath: string, dir = defaultConsoleDir()): void {
  const files = loadBuild(dir);
  const built = files.get('index.html');
  const index = built ? atContextPath(built, contextPath) : notBuiltPage(dir);
  const sendIndex = (request: FastifyRequest, reply: FastifyReply) => send(request, reply, index, 'no-cache');

  app.get(contextPath === '' ? '/' : `${contextPath}/`, sendIndex);
  app.get(`${contextPath}/index.html`, sendIndex);
  if (contextPath !== '') app.get(contextPath, (_request, reply) => reply.redirect(`${contextPath}/`));
  for (const page of SPA_PAGES) {
    app.get(`${contextPath}/${page}`, sendIndex);
    app.get(`${contextPath}/${page}/*`, sendIndex);
  }
  app.get(`${contextPath}/assets/*`, (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    const file = files.get(`assets/${name}`);
    if (!file) return reply.code(404).type('text/plain; charset=utf-8').send(`no such console asset: ${name}`);
    return send(request, reply, file, 'public, max-age=31536000, immutable');
  });
}

/** The console's client-side routes (packages/console/src/logic/routes.ts). */
const SPA_PAGES = ['services', 'configs', 'namespaces', 'connections', 'login', 'users', 'roles', 'permissions'];

interface StaticFile {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};
// Already compressed formats gain nothing from gzip.
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.map']);

/** packages/console/dist/web, found from this file's place in packages/server/dist/transports/http/console. */
export function defaultConsoleDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../console/dist/web');
}

function loadBuild(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!existsSync(dir)) return files;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path).split(sep).join('/'), fileOf(path, readFileSync(path)));
    }
  };
  walk(dir);
  return files;
}

function fileOf(path: string, body: Buffer): StaticFile {
  const ext = extname(path);
  const gzip = COMPRESSIBLE.has(ext) && body.length > 512 ? gzipSync(body, { level: 9 }) : undefined;
  const etag = `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`;
  return { body, gzip, type: TYPES[ext] ?? 'application/octet-stream', etag };
}

/** Shown instead of the console when it was not built (`npm install` builds it; `npm run build -w @cairn/console` too). */
function notBuiltPage(dir: string): StaticFile {
  const html = `<!doctype html><meta charset="utf-8"><title>Cairn console not built</title>
<p>The web console is not built: no files in <code>${dir.replace(/[<>&]/g, '')}</code>.
Run <code>npm install</code> or <code>npm run build -w @cairn/console</code>, then restart the server.
The HTTP APIs under this path work without it.</p>`;
  return fileOf('index.html', Buffer.from(html));
}

/** The build assumes `/nacos`; under another context path its asset links and the app's base are rewritten. */
function atContextPath(file: StaticFile, contextPath: string): StaticFile {
  if (contextPath === BUILT_FOR) return file;
  const html = file.body.toString('utf8').replaceAll(`"${BUILT_FOR}/`, `"${contextPath}/`).replace(`name="cairn-context-path" content="${BUILT_FOR}"`, `name="cairn-context-path" content="${contextPath}"`);
  return fileOf('index.html', Buffer.from(html));
}

const BUILT_FOR = '/nacos';

/**
 * What the console's pages may load: the built console has no inline script or style (Vite emits files; React sets
 * styles through the DOM, which a policy does not restrict), and its one `data:` URL is the empty icon. No other
 * site may frame it (clickjacking); `X-Frame-Options` says the same to browsers that predate `frame-ancestors`.
 */
export const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile, cacheControl: string): FastifyReply {
  void reply.header('cache-control', cacheControl).header('etag', file.etag).header('vary', 'accept-encoding');
  void reply.header('content-security-policy', CONSOLE_CSP).header('x-frame-options', 'DENY').header('x-content-type-options', 'nosniff');
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  const acceptsGzip = file.gzip !== undefined && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  if (acceptsGzip) void reply.header('content-encoding', 'gzip');
  return reply.type(file.type).send(acceptsGzip ? file.gzip : file.body);
}
