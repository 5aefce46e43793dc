import { encodePayload, type Payload, readPayload } from '@cairn/api';
import type { Client, ClientDuplexStream, ServiceError } from '@grpc/grpc-js';
import { CairnConfigError, CairnRequestError } from '../../errors.js';
import type { FailureKind } from '../../types.js';

/** The two Nacos services on one grpc-js client, and the shared Payload codec handed to grpc-js as Buffers. */
export interface NacosClient extends Client {
  request(payload: Payload, options: { deadline: number }, callback: (error: ServiceError | null, answer?: Payload) => void): unknown;
  requestBiStream(): ClientDuplexStream<Payload, Payload>;
}

type GrpcJs = typeof import('@grpc/grpc-js');
type NacosConstructor = new (address: string, credentials: unknown, options: object) => NacosClient;

let loaded: Promise<{ grpc: GrpcJs; Nacos: NacosConstructor }> | undefined;

/**
 * grpc-js, loaded on first use: it is an optional peer dependency, so an HTTP-only application neither installs nor
 * loads it. Missing, it is named in a `CairnConfigError` on the `protocol` setting.
 */
export function grpcJs(): NonNullable<typeof loaded> {
  loaded ??= import('@grpc/grpc-js').then(nacosClientOf, (error: unknown) => {
    loaded = undefined;
    throw new CairnConfigError('protocol', `protocol 'grpc' needs the package @grpc/grpc-js beside @cairn/sdk (npm install @grpc/grpc-js@^1.14): ${(error as Error).message}`);
  });
  return loaded;
}

function nacosClientOf(grpc: GrpcJs): { grpc: GrpcJs; Nacos: NacosConstructor } {
  const toBuffer = (p: Payload) => Buffer.from(encodePayload(p));
  const codec = { requestSerialize: toBuffer, requestDeserialize: readPayload, responseSerialize: toBuffer, responseDeserialize: readPayload };
  const Nacos = grpc.makeGenericClientConstructor(
    {
      request: { path: '/Request/request', requestStream: false, responseStream: false, originalName: 'request', ...codec },
      requestBiStream: { path: '/BiRequestStream/requestBiStream', requestStream: true, responseStream: true, originalName: 'requestBiStream', ...codec },
    },
    'NacosClient',
  ) as unknown as NacosConstructor;
  return { grpc, Nacos };
}

/** Nacos's ErrorResponse code for a request on a connection the server does not know (it lost or never set it up). */
const UNREGISTERED = 301;

export function isUnregistered(error: unknown): boolean {
  return nacosCodeOf(error) === UNREGISTERED;
}

/** The `errorCode` of a refused request (see `refusal`); undefined for any other error. */
export function nacosCodeOf(error: unknown): number | undefined {
  return error instanceof CairnRequestError ? (error as { nacosCode?: number }).nacosCode : undefined;
}

/** A Nacos answer: its class name and JSON body. */
export interface GrpcAnswer {
  type: string;
  body: Record<string, unknown>;
}

/** A request or answer payload: the JSON body (null fields left out) with `requestId` when given. */
export function payloadOf(type: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Payload {
  return { type, clientIp: '', headers, body: JSON.stringify({ headers: {}, ...body }) };
}

export function answerOf(payload: Payload): GrpcAnswer {
  if (payload.invalid !== undefined) throw new CairnRequestError(`the server's answer is no Nacos Payload: ${payload.invalid}`, 'bad-answer');
  let body: unknown;
  try {
    body = payload.body === '' ? {} : JSON.parse(payload.body);
  } catch {
    throw new CairnRequestError(`the server's ${payload.type} is not JSON: ${payload.body.slice(0, 100)}`, 'bad-answer');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new CairnRequestError(`the server's ${payload.type} is not a JSON object`, 'bad-answer');
  return { type: payload.type, body: body as Record<string, unknown> };
}

// grpc-js status codes (numbers, so this module needs grpc-js only as types).
const DEADLINE_EXCEEDED = 4;
const RESOURCE_EXHAUSTED = 8;
const UNAVAILABLE = 14;

/** A failed gRPC call as the SDK's error, its kind told from the status and message. */
export function callError(error: ServiceError, what: string, server: string): CairnRequestError {
  let kind: FailureKind = 'other';
  if (error.code === DEADLINE_EXCEEDED) kind = 'timeout';
  else if (error.code === UNAVAILABLE) kind = /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH/.test(error.details ?? error.message) ? 'refused' : 'reset';
  else if (error.code === RESOURCE_EXHAUSTED) kind = 'client-error';
  return new CairnRequestError(`gRPC ${what} on ${server} failed: ${error.details || error.message}`, kind, server);
}

/** An ErrorResponse (or any answer with resultCode other than 200) as the SDK's error: 4xx codes are the caller's mistake. */
export function refusal(answer: GrpcAnswer, what: string, server: string): CairnRequestError | undefined {
  const resultCode = answer.body.resultCode;
  if (answer.type !== 'ErrorResponse' && (resultCode === undefined || resultCode === 200)) return undefined;
  const errorCode = Number(answer.body.errorCode ?? resultCode);
  const message = typeof answer.body.message === 'string' ? answer.body.message : answer.type;
  const kind: FailureKind = errorCode >= 400 && errorCode < 500 ? 'client-error' : errorCode === UNREGISTERED ? 'reset' : 'server-error';
  const error = new CairnRequestError(`gRPC ${what} on ${server} answered ${errorCode}: ${message}`, kind, server, undefined, JSON.stringify(answer.body));
  return Object.assign(error, { nacosCode: errorCode });
}
