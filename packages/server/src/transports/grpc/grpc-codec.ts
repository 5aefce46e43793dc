import { encodePayload, type Payload, readPayload } from '@cairn/api';

/**
 * grpc-js copies serialized messages with Buffer methods: the shared codec's bytes, viewed as a Buffer (no copy).
 * A message already encoded (a push whose common body was encoded once for all its receivers) passes as it is.
 */
export function payloadBytes(payload: Payload | Uint8Array): Buffer {
  const bytes = payload instanceof Uint8Array ? payload : encodePayload(payload);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The Payload codec in the four roles grpc-js names, for service definitions on both ends. */
export const payloadCodec = { requestSerialize: payloadBytes, requestDeserialize: readPayload, responseSerialize: payloadBytes, responseDeserialize: readPayload };
