import { DomainError } from '@cairn/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { replyV2Error } from '../../reply-errors.js';

/** Nacos ErrorCode 20005; ConfigOperationService answers a failed compare-and-set with it and HTTP 500. */
export const RESOURCE_CONFLICT = { code: 20005, text: 'resource conflict' } as const;

/**
 * The config v2 error handler: a compare-and-set mismatch answers as Nacos 2.x does on `/v2/cs/config`
 * (HTTP 500, code 20005 `resource conflict`, the CAS text in `data`); everything else goes through the shared table.
 */
export function replyConfigV2Error(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof DomainError && error.code === 'CONFIG_CAS_MISMATCH') {
    void reply.code(500).send({ code: RESOURCE_CONFLICT.code, message: RESOURCE_CONFLICT.text, data: error.message });
    return;
  }
  replyV2Error(error, request, reply);
}
