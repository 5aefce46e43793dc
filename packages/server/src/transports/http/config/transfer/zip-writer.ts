import yazl from 'yazl';

/**
 * A zip of text files (UTF-8), deflated, in the order given.
 *
 * @example
 *   const zip = await writeZip([{ name: 'DEFAULT_GROUP/app.yaml', text: 'a: 1' }]);
 */
export async function writeZip(files: readonly { name: string; text: string }[], mtime = new Date()): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const f of files) zip.addBuffer(Buffer.from(f.text, 'utf8'), f.name, { mtime });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
