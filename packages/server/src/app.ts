import { AuthDirectory, ConfigCenter, ConfigListeners, EventBus, Journal, Namespaces, NO_CONNECTIONS, recordDomainEvents, Registry, type Alarm, type CairnEvent, type CairnStores, type Clock, type ConnectionSnapshot } from '@cairn/core';
import { openStores } from '@cairn/storage';
import { randomBytes } from 'node:crypto';
import { ChangeApplier } from './cluster/change-applier.js';
import { Membership } from './cluster/membership.js';
import { probedHere } from './cluster/prober.js';
import { nodeAddress } from './cluster/node-address.js';
import { clusterRoutes } from './transports/http/core/v1/cluster-routes.js';
import { clusterV2Routes } from './transports/http/core/v2/cluster-v2-routes.js';
import { clusterHistoryIds } from './cluster/config-history-ids.js';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { parse as parseQuery } from 'node:querystring';
import type { Logger } from 'pino';
import { isLoopbackHost, type ResolvedOptions } from './config/options.js';
import type { AppContext } from './transports/http/context.js';
import multipart from '@fastify/multipart';
import { configRollbackRoutes } from './transports/http/cairn/config-rollback-routes.js';
import { journalRoutes } from './transports/http/cairn/journal-routes.js';
import { configGrayRoutes } from './transports/http/cairn/config-gray-routes.js';
import { consoleStatic } from './transports/http/console/console-static.js';
import { metricsRoutes } from './transports/http/cairn/metrics-routes.js';
import { replyConfigV1Error, replyV1Error, replyV2Error } from './transports/http/reply-errors.js';
import { LongPolls } from './transports/http/config/long-polls.js';
import { configCatalogRoutes } from './transports/http/config/v1/catalog-route.js';
import { configRoutes } from './transports/http/config/v1/config-routes.js';
import { historyRoutes } from './transports/http/config/v1/history-routes.js';
import { listenerRoutes } from './transports/http/config/v1/listener-routes.js';
import { listenerQueryRoutes } from './transports/http/config/v1/listener-query-routes.js';
import { configDiagnosisRoutes } from './transports/http/cairn/config-diagnosis-routes.js';
import { configV2Group } from './transports/http/config/v2/config-v2-group.js';
import { ConfigPersistence } from './persistence/config-persistence.js';
import { AuthPersistence } from './persistence/auth-persistence.js';
import { installRequestHooks } from './transports/http/request-hooks.js';
import { installHttpAuth } from './transports/http/auth/http-auth.js';
import { loginRoutes } from './transports/http/auth/login-routes.js';
import { nacosImportRoute } from './transports/http/auth/nacos-import-route.js';
import { rolesRoutes } from './transports/http/auth/roles-routes.js';
import { usersRoutes } from './transports/http/auth/users-routes.js';
import { Authenticator } from './auth/authenticator.js';
import { ensureFirstAdmin } from './auth/first-admin.js';
import { configuredSigningKey } from './auth/signing-keys.js';
import { signingKeyRoutes } from './transports/http/auth/signing-key-routes.js';
import { installRealIp } from './transports/http/client-ip.js';
import { installBrowserGuard } from './transports/http/browser-guard.js';
import { proxyTrust } from './config/trusted-proxies.js';
import { probeTargetCheck } from './config/probe-targets.js';
import { ServiceInfoCache } from './wire/service-info.js';
import { catalogRoutes } from './transports/http/naming/v1/catalog-routes.js';
import { healthRoutes } from './transports/http/naming/v1/health-routes.js';
import { instanceRoutes } from './transports/http/naming/v1/instance-routes.js';
import { metadataBatchRoutes } from './transports/http/naming/v1/metadata-batch-routes.js';
import { namespaceRoutes } from './transports/http/console/v1/namespace-routes.js';
import { operatorRoutes } from './transports/http/naming/v1/operator-routes.js';
import { serviceRoutes } from './transports/http/naming/v1/service-routes.js';
import { createSwitches, RegistrationDefaults } from './transports/http/naming/switch-domain.js';
import { namingV2Routes } from './transports/http/naming/v2/naming-v2-routes.js';
import { namespaceV2Routes } from './transports/http/console/v2/namespace-v2-routes.js';
import { installServerStatusGate } from './transports/http/naming/server-status.js';
import { serverStateRoutes } from './transports/http/console/v1/server-state-routes.js';
import { createLogger } from './logging.js';
import { ProbeScheduler } from './health/probe-scheduler.js';
import { Metrics } from './metrics/metrics.js';
import { NamingPersistence } from './persistence/naming-persistence.js';
import { UdpPush } from './push/udp/udp-push.js';
import { GrpcPush } from './push/grpc/grpc-push.js';
import { endWithConnections, registerNamingHandlers } from './transports/grpc/naming/naming-handlers.js';
import { grpcServiceInfo } from './transports/grpc/naming/naming-wire.js';
import { SystemTime } from './time/system-time.js';
import { GrpcTransport } from './transports/grpc/grpc-transport.js';
import { grpcAuthGate } from './transports/grpc/auth/grpc-auth.js';
import type { GrpcSettings } from './transports/grpc/grpc-settings.js';
import { installConfigGrpc } from './transports/grpc/config/install-config-grpc.js';
import type { ConfigListenSets } from './transports/grpc/config/config-listen-sets.js';
import { GrpcMetrics } from './metrics/grpc-metrics.js';
import { clusterMetrics } from './metrics/cluster-metrics.js';
import { registerServerLoaderHandler } from './transports/grpc/server-loader.js';
import { loaderRoutes } from './transports/http/console/v1/loader-routes.js';
import { connectionsRoutes } from './transports/http/cairn/connections-routes.js';
import { NO_GRPC_SUBSCRIPTIONS } from './push/grpc/grpc-push.js';
import { HttpDrain } from './transports/http/http-drain.js';
import { HeapWatch, type HeapFigures } from './memory/heap-watch.js';
import { warnRestoredBeyondLimits } from './persistence/restored-limits.js';

export interface ServerParts {
  options: ResolvedOptions;
  /** Tests pass a FakeTime; the server uses the system clock. */
  clock?: Clock;
  alarm?: Alarm;
  logger?: Logger;
  /** Tests pass stores wrapped for fault injection; the server opens the database `options.db` names. */
  stores?: CairnStores;
  /** Timings of the gRPC transport; tests shorten the liveness intervals. */
  grpc?: Partial<GrpcSettings>;
  /** The first admin's password (CAIRN_ADMIN_PASSWORD), used once: at the first start with auth on. */
  adminPassword?: string;
  /**
   * The token signing secret (CAIRN_TOKEN_SECRET, Base64): it signs, stored keys still verify. A secret that is not
   * Base64, shorter than 32 bytes or Nacos's published default stops the start (TokenSecretError).
   */
  tokenSecret?: string;
  /** Where a generated first-admin password is shown, once (the start prints it; never the log). */
  announce?: (text: string) => void;
  /** Tests read heap figures of their own (to relieve pressure by hand) and sample on every new entry. */
  heap?: { read?: () => HeapFigures; sampleEveryChecks?: number };
}

export interface CairnServer {
  readonly app: FastifyInstance;
  readonly ctx: AppContext;
  /** The Nacos 2.x gRPC transport; undefined with `--grpc-port 0`. */
  readonly grpc: GrpcTransport | undefined;
  /** The gRPC port bound once listening (undefined when gRPC is off or before `listen`). */
  readonly grpcPort: number | undefined;
  /** What gRPC connections listen to in config, and the pushes of changes to them; undefined when gRPC is off. */
  readonly configListenSets: ConfigListenSets | undefined;
  /** Pushes to gRPC subscribers; undefined with `--grpc-port 0`. */
  readonly grpcPush: GrpcPush | undefined;
  /** Cluster mode: this node's name in the change log and the applier of the others' changes; undefined otherwise. */
  readonly cluster: { readonly node: string; readonly changes: ChangeApplier } | undefined;
  /** The cluster's members as `/v1/core/cluster/nodes` lists them (this node alone without cluster mode). */
  readonly membership: Membership;
  /** The health probes of persistent instances (in cluster mode, of those this node probes). */
  readonly probes: ProbeScheduler;
  /** Starts listening; resolves to the base URL including the context path. */
  listen(): Promise<string>;
  /**
   * Graceful stop within `--shutdown-timeout-ms`: no new connections, requests on open ones answered 503, gRPC
   * clients asked to reconnect elsewhere, in-flight requests finish; what is still open at the deadline is cut.
   */
  close(): Promise<void>;
}

/** Cluster mode: how long the change log keeps a change (a node away longer restarts to reload). */
const CHANGES_KEPT_MS = 3_600_000;

/** The composition root: builds one server's registry, transports and metrics, with no global state. */
export async function createServer(parts: ServerParts): Promise<CairnServer> {
  const { options } = parts;
  // Checked before anything opens: a secret that must not be used stops the start, saying why.
  const configuredKey = parts.tokenSecret === undefined ? undefined : configuredSigningKey(parts.tokenSecret);
  const time = new SystemTime();
  const clock = parts.clock ?? time;
  const alarm = parts.alarm ?? time;
  const log = parts.logger ?? createLogger(options.logLevel);
  // A failing subscriber (a bug) is logged; the command that published has already changed state and answers.
  const bus = new EventBus<CairnEvent>((err, event) => log.error({ err, event: event.type }, 'event subscriber failed'));
  // The journal subscribes first: whatever else follows an event, the event is recorded.
  const journal = new Journal({ maxEvents: options.journalMaxEvents, maxAgeMs: options.journalMaxAgeMs });
  recordDomainEvents(journal, bus);
  // Sampled every second and every 100 new entries: a flood of registrations is refused before V8 runs out of heap.
  const heap = new HeapWatch({ refusePercent: options.heapRefusePercent, sampleEveryMs: 1_000, sampleEveryChecks: parts.heap?.sampleEveryChecks ?? 100 }, log, parts.heap?.read);
  const registry = new Registry({
    clock,
    alarm,
    events: bus,
    lifecycle: {
      beatIntervalMs: options.beatIntervalMs,
      beatTimeoutMs: options.beatTimeoutMs,
      deleteTimeoutMs: options.deleteTimeoutMs,
      expireInstances: options.expireInstances,
      emptyServiceTtlMs: options.emptyServiceTtlMs,
    },
    probeTargets: probeTargetCheck(options.probeTargets),
    limits: { maxInstancesPerService: options.maxInstancesPerService, maxServicesPerNamespace: options.maxServicesPerNamespace, maxInstances: options.maxInstances },
    memory: heap,
  });
  const serviceInfo = new ServiceInfoCache(registry);
  const push = new UdpPush(
    registry,
    bus,
    serviceInfo,
    {
      enabled: options.pushEnabled,
      ackTimeoutMs: options.pushAckTimeoutMs,
      retries: options.pushRetries,
      subscriberTtlMs: options.subscriberTtlMs,
      maxSubscribersPerAddress: options.maxSubscribersPerAddress,
      maxSubscribers: options.maxSubscribers,
      bindHost: isLoopbackHost(options.host) ? loopbackOf(options.host) : '0.0.0.0',
    },
    log,
  );
  const metrics = new Metrics(registry, journal, bus, { subscribers: () => push.subscriberCount, pushStats: () => push.stats, subscriptions: () => push.subscribers(), subscriberRefusals: () => ({ ...push.refused }), heap });
  const namespaces = new Namespaces(clock, bus);
  // Cluster mode: a name of its own for this run of the node (its address can be reused by a restart).
  const clusterNode = options.cluster ? randomBytes(8).toString('hex') : undefined;
  const stores = parts.stores ?? (await openStores(options.db, options.dataDir, { clusterNode }));
  if (options.cluster && stores.changes === undefined) throw new Error('cluster mode needs stores opened with a node name (they carry the change log)');
  // Read before loading: every change committed after this point is applied on top of what is loaded (twice at worst).
  const changesFrom = stores.changes ? await stores.changes.latest() : 0;
  const membership = new Membership(stores.members, clusterNode ?? 'standalone', { renewMs: options.clusterRenewMs, leaseMs: options.clusterLeaseMs }, log, bus, () => clock.now());
  // The journal names a node by the address it renewed its lease with (`node <id>` before its first renewal is read).
  const nodeName = (node: string) => membership.addressOf(node) ?? `node ${node}`;
  const persistence = new NamingPersistence(stores, registry, namespaces, bus, options.journalMaxAgeMs, options.journalMaxEvents, log, clusterNode, nodeName);
  const restored = await persistence.start();
  journal.restore(restored.journal);
  log.info(restored.counts, 'restored from storage');
  warnRestoredBeyondLimits(registry, log);
  const historyIds = await clusterHistoryIds(stores, log);
  const config = new ConfigCenter({ clock, events: bus, maxContentBytes: options.configMaxContentBytes, historyIds });
  const configPersistence = new ConfigPersistence(stores.config, config, bus, options.configHistoryMaxAgeMs, () => clock.now(), log);
  log.info(await configPersistence.start(), 'restored configs from storage');
  // Users, roles and grants, and the token signing key (made at first start).
  const auth = new AuthDirectory({ clock, events: bus });
  const authPersistence = new AuthPersistence(stores.auth, auth, bus, () => clock.now(), log, { configured: configuredKey, tokenTtlMs: options.tokenTtlSeconds * 1000 }, nodeName);
  log.info({ ...(await authPersistence.start()), authEnabled: options.authEnabled }, 'restored auth from storage');
  const changes =
    stores.changes && clusterNode
      ? new ChangeApplier(stores.changes, [persistence, persistence.namespaceRefresher, configPersistence, authPersistence], { node: clusterNode, pollMs: options.clusterPollMs, keepMs: CHANGES_KEPT_MS }, log)
      : undefined;
  if (changes) {
    await changes.start(changesFrom);
    log.info({ node: clusterNode, position: changesFrom }, "cluster: applying the other nodes' changes");
  }
  clusterMetrics(metrics.registry, () => membership.members(), changes && (() => changes.status));
  // A node whose lease lapsed is gone: one surviving node (the database hands each row to one) takes over the
  // expiry of the ephemeral instances it owned, counted from its last renewal; the others follow the database.
  // Those whose clients still beat (to any node) stay; the others leave on their own timeouts.
  membership.onLapsed = async (lost) => {
    const { taken, followed } = await persistence.takeOverNode(lost);
    if (taken + followed > 0)
      log.info(
        { node: lost.node, address: lost.address, taken, followed },
        'cluster: a node left or stopped renewing its lease; this node took over the expiry of the ephemeral instances it owned (taken) or follows the node that did (followed)',
      );
  };
  if (options.authEnabled) {
    const made = await ensureFirstAdmin({
      directory: auth,
      durability: authPersistence,
      configured: parts.adminPassword,
      passwordFile: options.adminPasswordFile,
      announce: parts.announce ?? ((text) => process.stdout.write(`${text}\n`)),
      storeWaitMs: options.storeWaitMs,
    });
    if (made === 'created') log.info("first admin 'nacos' created");
  }
  const authenticator = new Authenticator(
    { directory: auth, signingKeys: () => authPersistence.signingKeys(), rereadSigningKeys: options.cluster ? () => authPersistence.rereadSigningKeys() : undefined, now: () => clock.now() },
    { tokenTtlSeconds: options.tokenTtlSeconds, credentialCacheMs: 60_000 },
  );
  authenticator.followReplicatedChanges(bus);
  const longPolls = new LongPolls(bus, (key, client) => config.md5For(key, client));
  const configListeners = new ConfigListeners({ clock, events: bus });
  // The scheduler keeps its own real timer: core's Alarm holds one wake-up, which the registry's deadlines own.
  const probes = new ProbeScheduler(
    registry,
    bus,
    {
      intervalMs: options.probeIntervalMs,
      timeoutMs: options.probeTimeoutMs,
      concurrency: options.probeConcurrency,
      enabled: options.healthCheckEnabled,
      firstProbeJitterMs: Math.min(5_000, options.probeIntervalMs),
    },
    log,
    // Cluster mode: one node probes each instance, chosen among the members UP; the others copy the stored health.
    clusterNode ? { isMine: probedHere(clusterNode, () => membership.members()) } : {},
  );
  // Read at scrape time, once the transport exists.
  const grpcMetrics: GrpcMetrics = new GrpcMetrics(metrics.registry, (): ConnectionSnapshot[] => grpc?.list() ?? []);
  const grpc =
    options.grpcPort === 0
      ? undefined
      : new GrpcTransport(
          { events: bus, clock, log, pushes: grpcMetrics, gate: grpcAuthGate(authenticator, options.authEnabled) },
          { maxConnections: options.grpcMaxConnections, idleMs: options.grpcIdleMs, connectionIdleMs: options.idleTimeoutMs, ...parts.grpc },
        );
  let grpcPush: GrpcPush | undefined;
  let stopNaming = (): void => {};
  if (grpc) {
    registerServerLoaderHandler(grpc.handlers, grpc, () => {
      const bound = app.server.address();
      return `${options.host}:${typeof bound === 'object' && bound ? bound.port : options.port}`;
    });
    // Naming over gRPC: connection-held instances, queries and subscriptions, pushed at once on every change.
    grpcPush = new GrpcPush(bus, (ref, clusters) => grpcServiceInfo(serviceInfo, ref, clusters, false, registry.now()), { ackTimeoutMs: grpc.settings.pushTimeoutMs, tries: 3 }, log);
    registerNamingHandlers(grpc.handlers, { registry, serviceInfo, push: grpcPush, durability: { changes: persistence, waitMs: options.storeWaitMs } });
    const stopEnding = endWithConnections(bus, registry, grpcPush);
    const pushing = grpcPush;
    stopNaming = () => {
      stopEnding();
      pushing.stop();
    };
  }
  let grpcPort: number | undefined;
  const configListenSets = grpc && installConfigGrpc(grpc, { config, listeners: configListeners, events: bus, durability: configPersistence, storeWaitMs: options.storeWaitMs, log });
  const registrationDefaults = new RegistrationDefaults();
  const switches = createSwitches(() => registry.lifecycle.beatIntervalMs, push, probes, registrationDefaults);
  const ctx: AppContext = {
    options,
    registry,
    journal,
    events: bus,
    persistence,
    namespaces,
    push,
    metrics,
    serviceInfo,
    switches,
    registrationDefaults,
    startedAt: Date.now(),
    config,
    configPersistence,
    auth,
    authPersistence,
    authenticator,
    configHistory: stores.config,
    longPolls,
    configListeners,
    connections: grpc ?? NO_CONNECTIONS,
    grpcSubscriptions: grpcPush ?? NO_GRPC_SUBSCRIPTIONS,
  };

  // Client IPs select beta versions: forwarded headers count only from the proxies the operator trusts.
  const trustedProxy = proxyTrust(options.trustedProxies);
  const app = Fastify({
    trustProxy: trustedProxy ? (address: string) => trustedProxy(address) : false,
    loggerInstance: log as FastifyBaseLogger,
    // Per-request logs would cost more than a beat itself; errors are logged where they happen.
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request either (pino's child with a request id cost about 2 µs of every beat): the few
    // request-time log lines carry the method and URL themselves.
    childLoggerFactory: (logger) => logger,
    bodyLimit: options.bodyLimitBytes,
    return503OnClosing: true,
    // Slow or silent clients cannot hold a connection forever (a held long poll is not cut: only receiving counts).
    requestTimeout: options.requestTimeoutMs,
    keepAliveTimeout: options.idleTimeoutMs,
    http: { headersTimeout: options.headerTimeoutMs, requestTimeout: options.requestTimeoutMs, connectionsCheckingInterval: Math.min(1_000, options.headerTimeoutMs / 4) },
    // Errors before routing (a malformed %-escape in the path) answer in the shape of the API that was asked.
    frameworkErrors: (error, request, rawReply) => {
      const reply = rawReply as unknown as FastifyReply;
      const message = `malformed request: ${error.message}`;
      if (request.url.includes('/v2/')) void reply.code(400).send({ code: 20002, message: 'parameter validate error', data: message });
      else void reply.code(400).type('text/plain; charset=utf-8').send(message);
    },
  });
  // Its hook goes first: during a shutdown a request is answered 503 before anything else runs.
  const drain = new HttpDrain(app, Math.min(1_000, options.shutdownTimeoutMs / 10));
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseQuery(body as string));
  });
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('request body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });
  // Nacos ignores bodies it does not understand; so do we (parameters still come from the query string).
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, _body, done) => done(null, undefined));
  if (trustedProxy) installRealIp(app, trustedProxy);
  // Before auth and every handler: a DNS-rebound or cross-site browser request is refused and changes nothing.
  installBrowserGuard(app, { host: options.host, allowedHosts: options.allowedHosts, allowedOrigins: options.allowedOrigins, trustedProxy });
  installRequestHooks(app, metrics, [persistence, configPersistence, authPersistence], options.storeWaitMs);
  // After the durable-change hooks, so its check runs first: a refused request starts nothing.
  installHttpAuth(app, { authenticator, enabled: options.authEnabled, contextPath: options.contextPath });
  installServerStatusGate(app, options.contextPath, switches);
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .type('text/plain; charset=utf-8')
      .send(`no such endpoint: ${request.method} ${request.url.split('?')[0]}`);
  });

  await app.register(
    async (v1) => {
      v1.setErrorHandler(replyV1Error);
      instanceRoutes(v1, ctx);
      metadataBatchRoutes(v1, ctx);
      serviceRoutes(v1, ctx);
      catalogRoutes(v1, ctx);
      healthRoutes(v1, ctx);
      operatorRoutes(v1, ctx);
      namespaceRoutes(v1, ctx);
      loaderRoutes(v1, ctx);
      clusterRoutes(v1, membership);
      loginRoutes(v1, ctx);
      usersRoutes(v1, ctx);
      rolesRoutes(v1, ctx);
      serverStateRoutes(v1, { datasourcePlatform: datasourcePlatformOf(options.db), configHistoryMaxAgeMs: options.configHistoryMaxAgeMs, authEnabled: options.authEnabled, cluster: options.cluster });
    },
    { prefix: options.contextPath },
  );
  await app.register(
    async (v2) => {
      v2.setErrorHandler(replyV2Error);
      namingV2Routes(v2, ctx);
      namespaceV2Routes(v2, ctx);
      journalRoutes(v2, ctx);
      nacosImportRoute(v2, ctx);
      connectionsRoutes(v2, ctx);
      clusterV2Routes(v2, membership);
      signingKeyRoutes(v2, ctx);
      configRollbackRoutes(v2, ctx);
      configGrayRoutes(v2, ctx);
      metricsRoutes(v2, ctx);
      configV2Group(v2, ctx);
      configDiagnosisRoutes(v2, ctx);
    },
    { prefix: options.contextPath },
  );
  await app.register(
    async (cs) => {
      cs.setErrorHandler(replyConfigV1Error);
      // Config import's zip upload; the body is streamed and bounded where it is read (the import operation).
      await cs.register(multipart);
      configRoutes(cs, ctx);
      configCatalogRoutes(cs, ctx);
      listenerRoutes(cs, ctx);
      listenerQueryRoutes(cs, ctx);
      historyRoutes(cs, ctx);
    },
    { prefix: options.contextPath },
  );
  consoleStatic(app, options.contextPath);

  const server: CairnServer = {
    app,
    ctx,
    grpc,
    configListenSets,
    grpcPush,
    cluster: changes && clusterNode ? { node: clusterNode, changes } : undefined,
    membership,
    probes,
    get grpcPort() {
      return grpcPort;
    },
    async listen() {
      heap.start();
      await push.start();
      probes.start();
      const address = await app.listen({ port: options.port, host: options.host });
      const bound = app.server.address();
      await membership.start(nodeAddress(options.clusterAddress, options.host, typeof bound === 'object' && bound ? bound.port : options.port));
      if (grpc) {
        try {
          grpcPort = await grpc.listen(options.host, grpcPortOf(options));
        } catch (err) {
          // Half a server would look healthy over HTTP while every Nacos 2.x client fails: stop and say why.
          await server.close();
          throw new Error(`the gRPC port ${options.host}:${grpcPortOf(options)} cannot be bound (${(err as Error).message}); set --grpc-port (0 = gRPC off)`);
        }
        log.info({ grpcPort }, `Nacos 2.x gRPC listening on ${options.host}:${grpcPort}`);
      }
      return `${address}${options.contextPath}`;
    },
    async close() {
      // The connections and requests still open get until the deadline; the stores' last writes come after it.
      const deadline = Date.now() + options.shutdownTimeoutMs;
      // First, so that every node lists this one DOWN while it drains (clients move on sooner).
      await membership.leave();
      // Held long polls are answered (empty) first; requests on open connections are answered 503 while in-flight ones finish.
      longPolls.releaseAll();
      // Connections end first (gRPC and HTTP side by side), so their ends are journaled and published while everything still runs.
      const [, cut] = await Promise.all([grpc?.close(deadline), drain.drain(deadline)]);
      stopNaming();
      if (cut.length > 0) log.warn({ cut }, `shutdown deadline (--shutdown-timeout-ms ${options.shutdownTimeoutMs}) reached: ${cut.length} HTTP connection(s) cut`);
      await app.close();
      await push.stop();
      await probes.stop();
      await changes?.stop();
      await configPersistence.close();
      await authPersistence.close();
      await persistence.close();
      heap.stop();
      alarm.cancel();
    },
  };
  return server;
}

/** The gRPC port to bind: as set, or (Nacos's rule) the HTTP port + 1000; any free port when the HTTP port is. */
function grpcPortOf(options: ResolvedOptions): number {
  if (options.grpcPort !== -1) return options.grpcPort;
  return options.port === 0 ? 0 : options.port + 1000;
}

function loopbackOf(host: string): string {
  return host === 'localhost' ? '127.0.0.1' : host;
}

/** The storage URL's database, named as Nacos's server state names its datasource platform. */
function datasourcePlatformOf(db: string): string {
  if (db.startsWith('mysql:')) return 'mysql';
  if (db.startsWith('postgres:') || db.startsWith('postgresql:')) return 'postgresql';
  return 'sqlite';
}
