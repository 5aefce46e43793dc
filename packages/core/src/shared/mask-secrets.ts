/**
 * Parameter and field names whose values are never shown. The npm client sends `password` in every URL's query
 * string; `accessToken` is a bearer token; `newPassword` (user edits) and `pwd` (MySQL health checker) carry
 * secrets too. Nacos reads identity parameters case-insensitively, so the match ignores case.
 */
const SECRET_NAMES = new Set(['password', 'newpassword', 'accesstoken', 'access_token', 'pwd', 'secretkey', 'token']);

// The password of a URL's user info: everything from the first ':' after the user up to the token's last '@', so
// an unescaped '@' inside a password is hidden too. A host name never contains '@'.
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/@?#\s]*):[^\s]*@/gi;
// A `name=value` pair as it appears in a URL, a form body or a message; the value ends at a separator.
const PAIR = /([\w%.-]+)=([^&\s"'<>]*)/g;
// A secret inside JSON, plain or percent-encoded: `healthChecker={"type":"MYSQL","pwd":"…"}`.
const JSON_SECRET = /((?:"|%22)(?:password|newPassword|accessToken|pwd|secretKey|token)(?:"|%22)\s*(?::|%3A)\s*(?:"|%22))(.*?)(?="|%22|&|$)/gi;

/**
 * The one function that hides secrets in anything shown: URLs (`mysql://root:***@db:3306/cairn`), query strings
 * and form bodies (`password=***`, names percent-decoded first), and JSON fields. The start banner, error
 * messages, storage errors and every log line go through it.
 *
 * @example
 *   maskSecrets('mysql://cairn:p@ss@127.0.0.1:3306/cairn')            // 'mysql://cairn:***@127.0.0.1:3306/cairn'
 *   maskSecrets('/nacos/v1/ns/instance/list?serviceName=a&password=s3') // '/nacos/v1/ns/instance/list?serviceName=a&password=***'
 */
export function maskSecrets(text: string): string {
  if (!text.includes('=') && !text.includes(':') && !text.includes('%3')) return text;
  return text
    .replace(URL_PASSWORD, '$1:***@')
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
