import { DomainError } from '@cairn/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { replyV2Error } from '../../reply-errors.js';

/** Nacos v2 codes the shared error table has no core code for (ErrorCode in the spec §2.2). */
export const WEIGHT_ERROR = { code: 21001, text: 'weight error' } as const;
export const RESOURCE_NOT_FOUND = { code: 20004, text: 'resource not found' } as const;

/** Sends a v2 error whose Nacos code is not derived from a core error code. */
export function replyV2Code(reply: FastifyReply, status: number, code: { code: number; text: string }, detail: string): FastifyReply {
  return reply.code(status).send({ code: code.code, message: code.text, data: detail });
}

/**
 * The naming v2 error handler: core reports a bad weight as an ordinary invalid parameter (field `weight`),
 * which Nacos v2 answers with its own code 21001; everything else goes through the shared table.
 */
export function replyNamingV2Error(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof DomainError && error.code === 'INVALID_PARAM' && error.field === 'weight') {
    void replyV2Code(reply, 400, WEIGHT_ERROR, error.message);
    return;
  }
  replyV2Error(error, request, reply);
}
