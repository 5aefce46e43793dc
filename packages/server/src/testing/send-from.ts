import { request } from 'node:http';

export interface Answer {
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
  json: () => any;
}

/**
 * One request as the npm client sends it (form body on POST, query otherwise), from a chosen loopback source
 * address: gray releases select by client IP, and 127.0.0.0/8 gives a test as many clients as it needs.
 */
export function sendFrom(from: string, base: string, method: string, path: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
  const qs = new URLSearchParams(params).toString();
  const post = method === 'POST';
  const url = new URL(`${base}${path}${!post && qs ? `?${qs}` : ''}`);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, localAddress: from, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf8', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers, json: () => JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(post ? qs : undefined);
  });
}
