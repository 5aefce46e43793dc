// Load-generator tasks of the config scenario: publishes, and long polls held until a change answers them.
import { Histogram } from './histogram.mjs';
import { Target } from './http-client.mjs';
import { runLanes } from './lanes.mjs';

export const CONFIG_GROUP = 'BENCH';

/** `POST /v1/cs/configs` with everything in the query string (the server reads query and form alike). */
export function publishPath(dataId, content) {
  return `/nacos/v1/cs/configs?dataId=${encodeURIComponent(dataId)}&group=${CONFIG_GROUP}&content=${encodeURIComponent(content)}`;
}

export function getPath(dataId) {
  return `/nacos/v1/cs/configs?dataId=${encodeURIComponent(dataId)}&group=${CONFIG_GROUP}`;
}

/** The long-poll request of a 1.x client holding `md5` of one config: `dataId␂group␂md5␁`, encoded as a form value. */
export function listenPath(dataId, md5) {
  return `/nacos/v1/cs/configs/listener?Listening-Configs=${encodeURIComponent(`${dataId}\u0002${CONFIG_GROUP}\u0002${md5}\u0001`)}`;
}

/** Publishes configs `prefix-from` … `prefix-(to-1)`, each answered only once it is committed. */
export async function configPublish({ port, from, to, lanes, maxMs, prefix }) {
  const target = new Target(port, lanes);
  const hist = new Histogram();
  let next = from;
  let ok = 0;
  let failed = 0;
  let firstError = null;
  const startedAt = Date.now();
  await runLanes(lanes, startedAt + maxMs, async () => {
    if (next >= to) return false;
    const i = next++;
    const t0 = performance.now();
    try {
      const res = await target.request('POST', publishPath(`${prefix}-${i}`, `bench.value=${i}\nbench.owner=cairn`), true);
      hist.recordMs(performance.now() - t0);
      if (res.status === 200 && res.body.trim() === 'true') ok++;
      else {
        failed++;
        firstError ??= `HTTP ${res.status}: ${res.body.slice(0, 200)}`;
      }
    } catch (error) {
      failed++;
      firstError ??= String(error);
    }
    return true;
  });
  const endedAt = Date.now();
  target.close();
  return { type: 'done', ok, failed, firstError, startedAt, endedAt, hist: hist.toJSON() };
}

/**
 * Opens `count` long polls for one config at `md5` (each on its own connection) and reports each poll's answer
 * time. A poll answered with the changed key counts as notified; one answered empty (its hold ran out) does not.
 */
export async function configListen({ port, count, dataId, md5, holdMs, maxMs }) {
  const target = new Target(port, count);
  const headers = `Long-Pulling-Timeout: ${holdMs}\r\n`;
  const answeredAt = [];
  let empty = 0;
  let failed = 0;
  let firstError = null;
  const polls = Array.from({ length: count }, async () => {
    try {
      const res = await target.request('POST', listenPath(dataId, md5), true, maxMs, headers);
      if (res.status === 200 && decodeURIComponent(res.body).includes(dataId)) answeredAt.push(Date.now());
      else if (res.status === 200) empty++;
      else {
        failed++;
        firstError ??= `HTTP ${res.status}: ${res.body.slice(0, 200)}`;
      }
    } catch (error) {
      failed++;
      firstError ??= String(error);
    }
  });
  process.send({ type: 'listening', count });
  await Promise.all(polls);
  target.close();
  return { type: 'done', answeredAt, empty, failed, firstError };
}
