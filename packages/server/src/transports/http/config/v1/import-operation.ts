import type {} from '@fastify/multipart';
import { configKeyOf, configTypeOf, DomainError, invalidParam, publishBatch, type PublishConfig } from '@cairn/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import type { Params } from '../../params.js';
import { configAuthorOf } from '../config-wire.js';
import { type ArchivedConfig, METADATA_V1, METADATA_V2, readArchive } from '../transfer/archive-layout.js';
import { batchAnswer, ImportRefusedError, replyImportRefused } from '../transfer/import-answers.js';
import { policyOf, targetNamespaceOf } from '../transfer/import-target.js';
import { readZip, ZipRefusedError } from '../transfer/zip-reader.js';

/** The uploaded zip at most (compressed). */
export const MAX_IMPORT_ZIP_BYTES = 10 * 1024 * 1024;
/** Entries of the zip at most (files and folders). */
export const MAX_IMPORT_ENTRIES = 10_000;
/** Everything the zip unpacks to at most. */
export const MAX_IMPORT_UNPACKED_BYTES = 64 * 1024 * 1024;
/** The metadata file at most (it lists every config). */
const MAX_METADATA_BYTES = 4 * 1024 * 1024;

/**
 * `POST /v1/cs/configs?import=true&namespace=&policy=ABORT|SKIP|OVERWRITE`, the zip in the multipart field `file`:
 * reads both of Nacos's export layouts and publishes each config through the config center (one history record
 * and one journal event each). Every config is checked before any is written.
 */
export async function importConfigs(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, p: Params): Promise<unknown> {
  const policy = policyOf(p);
  const author = configAuthorOf(request, p, p.str('src_user'));
  try {
    const namespace = targetNamespaceOf(ctx, p, 'namespace');
    const files = await readUpload(request, ctx.options.configMaxContentBytes);
    const { configs, unrecognized } = readArchive(files);
    if (configs.length === 0) throw new ImportRefusedError('DATA_EMPTY', `the zip holds no config entry (group/dataId)${unrecognized.length > 0 ? `; unrecognized: ${unrecognized.slice(0, 5).join(', ')}` : ''}`);
    const outcome = publishBatch(
      ctx.config,
      configs.map((c) => publishOf(c, namespace)),
      policy,
      author,
    );
    return batchAnswer('import success', outcome, unrecognized);
  } catch (error) {
    if (error instanceof ImportRefusedError) return replyImportRefused(reply, error);
    throw error;
  }
}

async function readUpload(request: FastifyRequest, maxContentBytes: number): Promise<Awaited<ReturnType<typeof readZip>>> {
  if (!request.isMultipart()) throw new ImportRefusedError('DATA_EMPTY', "send the zip as multipart/form-data in the field 'file'");
  let zip: Buffer;
  try {
    const part = await request.file({ limits: { fileSize: MAX_IMPORT_ZIP_BYTES, files: 1, fields: 20, parts: 25 } });
    if (part?.fieldname !== 'file') throw new ImportRefusedError('DATA_EMPTY', "the multipart body has no field 'file'");
    zip = await part.toBuffer();
    // toBuffer misses the limit when it falls on the last chunk's end; the stream still says it was cut.
    if (part.file.truncated) throw Object.assign(new Error('file too large'), { code: 'FST_REQ_FILE_TOO_LARGE' });
  } catch (error) {
    if (error instanceof ImportRefusedError) throw error;
    const code = (error as { code?: string }).code;
    const detail = code === 'FST_REQ_FILE_TOO_LARGE' ? `the zip is over the maximum of ${MAX_IMPORT_ZIP_BYTES} bytes` : `the multipart body cannot be read: ${(error as Error).message}`;
    throw new ImportRefusedError('PARSING_DATA_FAILED', detail);
  }
  try {
    return await readZip(zip, {
      maxEntries: MAX_IMPORT_ENTRIES,
      maxEntryBytes: (name) => (name === METADATA_V2 || name === METADATA_V1 ? MAX_METADATA_BYTES : maxContentBytes),
      maxTotalBytes: MAX_IMPORT_UNPACKED_BYTES,
    });
  } catch (error) {
    if (error instanceof ZipRefusedError) throw new ImportRefusedError('PARSING_DATA_FAILED', error.message);
    throw error;
  }
}

/** The publish of one archived config; a bad name is a 400 that names the entry. */
function publishOf(c: ArchivedConfig, namespace: string): PublishConfig {
  try {
    const key = configKeyOf(c.dataId, c.group, namespace);
    return { key, content: c.content, type: configTypeOf(c.type), appName: c.appName, desc: c.desc };
  } catch (error) {
    if (error instanceof DomainError) throw invalidParam('file', `entry '${c.group}/${c.dataId}': ${error.message}`);
    throw error;
  }
}
