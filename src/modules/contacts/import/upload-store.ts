import { Readable } from 'node:stream';
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { uploadChunks } from '../../../db/schema/index.js';

const CHUNK_BYTES = 1024 * 1024;

/** Streams an upload into upload_chunks without holding more than one chunk in memory. */
export async function storeUpload(db: Db, importId: string, source: AsyncIterable<Buffer>, maxBytes: number): Promise<{ size: number; head: Buffer }> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let seq = 0;
  let size = 0;
  let head = Buffer.alloc(0);
  const flush = async () => {
    if (!pendingBytes) return;
    const data = Buffer.concat(pending);
    await db.insert(uploadChunks).values({ importId, seq: seq++, data });
    pending = [];
    pendingBytes = 0;
  };
  for await (const piece of source) {
    size += piece.length;
    if (size > maxBytes) throw new RangeError(`file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`);
    if (head.length < 65536) head = Buffer.concat([head, piece]).subarray(0, 65536);
    pending.push(piece);
    pendingBytes += piece.length;
    if (pendingBytes >= CHUNK_BYTES) await flush();
  }
  await flush();
  return { size, head };
}

/** Reads an upload back as a stream, one chunk per query. */
export function readUpload(db: Db, importId: string): Readable {
  let next = 0;
  return new Readable({
    async read() {
      try {
        const [row] = await db.select().from(uploadChunks).where(and(eq(uploadChunks.importId, importId), gt(uploadChunks.seq, next - 1))).orderBy(asc(uploadChunks.seq)).limit(1);
        if (!row) return void this.push(null);
        next = row.seq + 1;
        this.push(Buffer.from(row.data));
      } catch (err) {
        this.destroy(err as Error);
      }
    },
  });
}

export async function deleteUpload(db: Db, importId: string) {
  await db.delete(uploadChunks).where(eq(uploadChunks.importId, importId));
}
