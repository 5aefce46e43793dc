// The synthetic fleet: instance i belongs to service i % services and has a unique made-up address.
// Addresses are only data stored in the registry; every request goes to the server on 127.0.0.1.

export const GROUP = 'DEFAULT_GROUP';
export const LIST_SERVICE = 'bench-list';
/** The port every made-up instance address carries. */
export const INSTANCE_PORT = 8080;

export function serviceOf(i, services) {
  return `bench-svc-${i % services}`;
}

/** A made-up address in 10.0.0.0/8: stored in the registry, never dialled (the bench server runs with probes off). */
export function ipOf(i) {
  return `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
}

/** A distinct loopback address per instance (127.1.0.0/16 is all loopback), for instances the server will probe. */
export function loopbackIpOf(i) {
  return `127.1.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
}

const grouped = (service) => encodeURIComponent(`${GROUP}@@${service}`);

/** Registration exactly as the `nacos` npm client sends it: everything in the query string, empty body. */
export function registerPath(service, ip, port, metadata = { bench: '1' }, ephemeral = true) {
  return (
    `/nacos/v1/ns/instance?namespaceId=public&serviceName=${grouped(service)}&groupName=${GROUP}&clusterName=DEFAULT`
    + `&ip=${ip}&port=${port}&weight=1&enable=true&healthy=true&ephemeral=${ephemeral}&metadata=${encodeURIComponent(JSON.stringify(metadata))}`
  );
}

/** Deregistration as the `nacos` npm client sends it (DELETE, everything in the query string). */
export function deregisterPath(service, ip, port) {
  return `/nacos/v1/ns/instance?namespaceId=public&serviceName=${grouped(service)}&groupName=${GROUP}&clusterName=DEFAULT&ip=${ip}&port=${port}&ephemeral=true`;
}

/** The npm client's beat: the full beat JSON every time (it ignores lightBeatEnabled). */
export function beatPath(service, ip, port) {
  const beat = { serviceName: `${GROUP}@@${service}`, ip, port, cluster: 'DEFAULT', weight: 1, metadata: { bench: '1' }, scheduled: true };
  return `/nacos/v1/ns/instance/beat?beat=${encodeURIComponent(JSON.stringify(beat))}&namespaceId=public&serviceName=${grouped(service)}`;
}

export function listPath(service, healthyOnly = false) {
  return `/nacos/v1/ns/instance/list?namespaceId=public&serviceName=${grouped(service)}&clusters=DEFAULT&healthyOnly=${healthyOnly}`;
}

export function statusesPath(service) {
  return `/nacos/v1/ns/instance/statuses?key=${encodeURIComponent(`public##${GROUP}@@${service}`)}`;
}

/** How many of instances [0, total) fall into service number s. */
export function expectedInService(s, total, services) {
  return s < total % services ? Math.ceil(total / services) : Math.floor(total / services);
}
