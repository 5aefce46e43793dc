import type { BatchOutcome, ConfigKey } from '@cairn/core';
import type { FastifyReply } from 'fastify';

/**
 * Nacos's result codes of import and clone (config ResultCodeEnum, 100001-100006), answered in a RestResult
 * `{code, message, data: {succCount: 0}}`. Nacos answers them with HTTP 200; Cairn with 400, as every refusal
 * of a client's input. The messages are Cairn's (Nacos's are Chinese).
 */
export const IMPORT_REFUSALS = {
  NAMESPACE_NOT_EXIST: { code: 100001, text: 'the target namespace does not exist' },
  METADATA_ILLEGAL: { code: 100002, text: 'the metadata of the import is not valid' },
  PARSING_DATA_FAILED: { code: 100004, text: 'the import file cannot be read' },
  DATA_EMPTY: { code: 100005, text: 'no config to write' },
  NO_SELECTED_CONFIG: { code: 100006, text: 'no config selected' },
} as const;

export type ImportRefusal = keyof typeof IMPORT_REFUSALS;

/** An import or clone refused as a whole, with Nacos's code; `detail` says what exactly. */
export class ImportRefusedError extends Error {
  override readonly name = 'ImportRefusedError';
  constructor(
    readonly refusal: ImportRefusal,
    readonly detail: string,
  ) {
    super(`${IMPORT_REFUSALS[refusal].text}: ${detail}`);
  }
}

export function replyImportRefused(reply: FastifyReply, error: ImportRefusedError): FastifyReply {
  return reply.code(400).send({ code: IMPORT_REFUSALS[error.refusal].code, message: error.message, data: { succCount: 0 } });
}

/** Nacos's answer to an import or clone that ran: counts, and the configs that failed or were skipped. */
export function batchAnswer(message: string, outcome: BatchOutcome, unrecognized: readonly string[] = []): Record<string, unknown> {
  const data: Record<string, unknown> = { succCount: outcome.succeeded.length, skipCount: outcome.skipped.length };
  if (outcome.failed.length > 0) data.failData = outcome.failed.map(keyOf);
  if (outcome.skipped.length > 0) data.skipData = outcome.skipped.map(keyOf);
  if (unrecognized.length > 0) {
    data.unrecognizedCount = unrecognized.length;
    data.unrecognizedData = unrecognized.map((itemName) => ({ itemName }));
  }
  return { code: 200, message, data };
}

function keyOf(k: ConfigKey): { dataId: string; group: string } {
  return { dataId: k.dataId, group: k.group };
}
