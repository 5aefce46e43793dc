import { expectedInService, listPath, serviceOf, statusesPath } from './instances.mjs';

/**
 * Counts the fleet's instances as the server sees them, service by service: present, unhealthy, and missing
 * (expected but absent, i.e. expired). `via: 'list'` reads `/instance/list?healthyOnly=false`, the answer clients
 * use; `via: 'statuses'` reads the much smaller `/instance/statuses` for frequent checks during the beat phase.
 */
export async function census(target, total, services, via = 'list') {
  const result = { via, expected: total, present: 0, unhealthy: 0, missing: 0, errors: 0, firstError: null };
  for (let s = 0; s < Math.min(services, total); s++) {
    const service = serviceOf(s, services);
    try {
      const res = await target.request('GET', via === 'list' ? listPath(service) : statusesPath(service), true, 30_000);
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
      const body = JSON.parse(res.body);
      const states = via === 'list' ? body.hosts.map((h) => h.healthy === true) : body.ips.map((ip) => ip.endsWith('_true'));
      result.present += states.length;
      result.unhealthy += states.filter((healthy) => !healthy).length;
      result.missing += Math.max(0, expectedInService(s, total, services) - states.length);
    } catch (error) {
      result.errors++;
      result.firstError ??= `${service}: ${error}`;
    }
  }
  return result;
}

const PROMETHEUS_PATHS = ['/nacos/actuator/prometheus'];

/**
 * Reads the server's journal counters from its Prometheus endpoint: BEAT_MISSED counts every healthy→unhealthy flip, even one that recovered
 * before a census could see it. Resolves to null when no endpoint answers.
 */
export async function journalCounters(target) {
  for (const path of PROMETHEUS_PATHS) {
    try {
      const res = await target.request('GET', path, true, 10_000);
      if (res.status !== 200 || !res.body.includes('cairn_')) continue;
      const read = (cause) => {
        const m = new RegExp(`^cairn_journal_events_total\\{[^}]*cause="${cause}"[^}]*\\}\\s+(\\S+)`, 'm').exec(res.body);
        return m ? Number(m[1]) : 0;
      };
      return { path, beatMissed: read('BEAT_MISSED'), expired: read('INSTANCE_EXPIRED'), recreated: read('INSTANCE_RECREATED_FROM_BEAT') };
    } catch {
      // try the next candidate
    }
  }
  return null;
}
