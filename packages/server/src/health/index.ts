export { ProbeScheduler, DEFAULT_PROBE_SCHEDULER, type ProbeSchedulerOptions, type ProbeSchedulerParts } from './probe-scheduler.js';
export { tcpProbe } from './tcp-probe.js';
export { httpProbe, parseHeaders } from './http-probe.js';
export { mysqlProbe } from './mysql-probe.js';
export type { Probe, ProbeSet } from './probe.js';
