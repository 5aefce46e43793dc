import type { DoctorState } from './check.js';
import type { Diagnosis } from './naming-checks.js';

/** What to do about an instance that is not healthy, from its state and the cause of its last transition. */
export function instanceFix(d: Diagnosis, s: DoctorState): string {
  const register = `cairn instance register --server ${s.serverInput} --namespace ${s.namespace} --group ${s.group} --service ${s.service} --ip ${s.ip} --port ${s.port}`;
  const beats =
    "make sure the client process runs and can reach this server (run this doctor on the client's machine); "
    + 'it must send a heartbeat within the timeout (an @cairn/sdk client keeps beating through DNS and network faults, and registers again when the server forgot it)';
  switch (d.state) {
    case 'disabled':
      return `an operator took it out of traffic: enable it in the console, or curl -X PUT '${s.address!.baseUrl}/v1/ns/instance' -d serviceName=${s.service} -d groupName=${s.group} -d namespaceId=${s.namespace} -d ip=${s.ip} -d port=${s.port} -d enabled=true`;
    case 'unhealthy':
      return d.instance?.ephemeral === false ? "the server's health probe fails: check that the instance serves its health endpoint or port" : beats;
    case 'unknown': {
      const seen = d.seenElsewhere?.[0];
      return seen
        ? `the client registers elsewhere (namespace '${seen.namespace}', group '${seen.group}', service '${seen.service}'): align its settings, or rerun with --namespace ${seen.namespace} --group ${seen.group} --service ${seen.service}`
        : "check the client's server address, namespace, group, service name and advertised IP and port; then start it, or register by hand: " + register;
    }
    default:
      break;
  }
  switch (d.lastTransition?.cause) {
    case 'INSTANCE_DEREGISTERED':
      return `it was deregistered (a clean client shutdown, or an operator): restart the client, or register it again: ${register}`;
    case 'REGISTRATION_REJECTED':
      return 'fix the registration the explanation names, then restart the client';
    case 'BEAT_UNKNOWN_INSTANCE':
      return 'the client beats without registering: restart it, or use a client that registers again when the server answers 20404 (@cairn/sdk does)';
    default:
      return beats;
  }
}
