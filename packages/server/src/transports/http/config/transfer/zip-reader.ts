import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/** What a zip may hold before it is refused: it is read into memory, so every dimension is bounded. */
export interface ZipLimits {
  readonly maxEntries: number;
  /** Largest uncompressed entry, by name (the metadata file may be larger than a config). */
  readonly maxEntryBytes: (name: string) => number;
  readonly maxTotalBytes: number;
}

/** One file of a zip, decoded as UTF-8 (as Nacos reads them). */
export interface ZipText {
  readonly name: string;
  readonly text: string;
}

/** The zip cannot be read (malformed) or is over a limit; the message says which and why. */
export class ZipRefusedError extends Error {
  override readonly name = 'ZipRefusedError';
  constructor(
    readonly reason: 'malformed' | 'over-limit',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads every file of a zip held in memory. Directories are skipped. The declared sizes are checked against the
 * limits before anything is inflated, and yauzl stops a stream whose data exceeds its declared size, so a zip
 * bomb costs at most the limits, never memory or time in proportion to what it claims to unpack.
 */
export async function readZip(buffer: Buffer, limits: ZipLimits): Promise<ZipText[]> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(buffer, { validateEntrySizes: true, strictFileNames: false });
  } catch (error) {
    throw new ZipRefusedError('malformed', `not a zip file: ${(error as Error).message}`);
  }
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw new ZipRefusedError('over-limit', `the zip has ${zip.entryCount} entries, over the maximum of ${limits.maxEntries}`);
  }
  const files: ZipText[] = [];
  let total = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      const max = limits.maxEntryBytes(entry.fileName);
      if (entry.uncompressedSize > max) throw new ZipRefusedError('over-limit', `entry '${entry.fileName}' unpacks to ${entry.uncompressedSize} bytes, over the maximum of ${max}`);
      total += entry.uncompressedSize;
      if (total > limits.maxTotalBytes) throw new ZipRefusedError('over-limit', `the zip unpacks to more than ${limits.maxTotalBytes} bytes`);
      if (entry.isEncrypted() || !entry.canDecodeFileData()) throw new ZipRefusedError('malformed', `entry '${entry.fileName}' is encrypted or uses an unsupported compression method`);
      const data = await readAll(await zip.openReadStreamPromise(entry), entry.uncompressedSize);
      files.push({ name: entry.fileName, text: data.toString('utf8') });
    }
  } catch (error) {
    zip.close();
    if (error instanceof ZipRefusedError) throw error;
    throw new ZipRefusedError('malformed', `the zip is damaged: ${(error as Error).message}`);
  }
  return files;
}

/** The stream's bytes; yauzl errors the stream when it carries more or fewer bytes than declared. */
async function readAll(stream: Readable, declared: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    // validateEntrySizes already stops this; the check keeps memory bounded even if that ever changed.
    if (size > declared) {
      stream.destroy();
      throw new Error(`an entry holds more bytes than the ${declared} it declares`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}
