import { Duplex } from 'node:stream';
import { promisify } from 'node:util';
import { brotliCompress, constants, createBrotliCompress, createGzip, gzip, type BrotliOptions } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/utils/compress';

/**
 * Below this a compressed body saves less than the work and the gzip/brotli framing cost; hono's own
 * compress middleware and Express's `compression` draw the line at the same 1 KiB.
 */
export const MIN_COMPRESS_BYTES = 1024;

export type ContentEncoding = 'br' | 'gzip';

/**
 * Brotli quality 5: on our pages about 15 % smaller than gzip at a fraction of a millisecond, where the
 * maximum (11) takes ~50 times longer for a few bytes more. The built /assets files are compressed once,
 * at the maximum, elsewhere; this is for answers made per request.
 */
const brotliOptions = (sizeHint?: number): BrotliOptions => ({
  params: {
    [constants.BROTLI_PARAM_QUALITY]: 5,
    [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
    ...(sizeHint ? { [constants.BROTLI_PARAM_SIZE_HINT]: sizeHint } : {}),
  },
});
const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * The encoding to answer with for this Accept-Encoding: the one the client ranks highest (q), brotli before
 * gzip when they tie; null when the client takes neither (no header means identity: RFC 9110 §12.5.3).
 */
export function chooseEncoding(acceptEncoding: string | undefined | null): ContentEncoding | null {
  if (!acceptEncoding) return null;
  const ranks = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    ranks.set(name.trim(), Number.isFinite(q) ? q : 0);
  }
  const rank = (name: ContentEncoding) => ranks.get(name) ?? ranks.get('*') ?? 0;
  const [br, gz] = [rank('br'), rank('gzip')];
  if (br > 0 && br >= gz) return 'br';
  return gz > 0 ? 'gzip' : null;
}

type ReadResult = ReadableStreamReadResult<Uint8Array>;

/**
 * A body in several chunks that are all there at once is read whole up to this size; past it, it is streamed,
 * so a large download never sits in memory whole. (A page or JSON body is one chunk, whatever its size.)
 */
const MAX_WHOLE_BYTES = 64 * 1024;

/**
 * Reads the body's start to decide how to send it: until 1 KiB arrived (a shorter body goes plain), then
 * whatever is already there without waiting. A page or JSON made whole ends here and is compressed in one go
 * with its length known; a body still being made (a CSV export reading its next batch) is left `pending` and
 * streamed, so nothing waits for data that is not there yet.
 */
async function readHead(reader: ReadableStreamDefaultReader<Uint8Array>) {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const take = (value: Uint8Array) => {
    chunks.push(value);
    size += value.byteLength;
  };
  while (size < MIN_COMPRESS_BYTES) {
    const { done, value } = await reader.read();
    if (done) return { chunks, size, done: true as const };
    take(value);
  }
  while (size < MAX_WHOLE_BYTES) {
    const pending = reader.read();
    const next = await Promise.race([pending, new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined)))]);
    if (!next) return { chunks, size, done: false as const, pending };
    if (next.done) return { chunks, size, done: true as const };
    take(next.value);
  }
  return { chunks, size, done: false as const, pending: undefined };
}

const concat = (chunks: Uint8Array[]) => Buffer.concat(chunks);

/** The already-read chunks, then the rest of the body (starting with the read in flight) as the client pulls it. */
function resume(reader: ReadableStreamDefaultReader<Uint8Array>, head: Uint8Array[], pending: Promise<ReadResult> | undefined) {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of head) controller.enqueue(chunk);
    },
    async pull(controller) {
      const { done, value } = await (pending ?? reader.read());
      pending = undefined;
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/**
 * A compressor that flushes after every chunk it is given: a streamed download (CSV export) goes out batch by
 * batch as it is made, not when zlib's buffer happens to fill, and the client can read each one on arrival.
 */
function streamingCompressor(encoding: ContentEncoding) {
  const zipper =
    encoding === 'br'
      ? createBrotliCompress({ ...brotliOptions(), flush: constants.BROTLI_OPERATION_FLUSH })
      : createGzip({ flush: constants.Z_SYNC_FLUSH });
  return Duplex.toWeb(zipper) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
}

/** zlib's output is never a shared buffer: the cast only tells TypeScript so. */
const compressWhole = async (encoding: ContentEncoding, body: Uint8Array) =>
  (encoding === 'br' ? await brotliAsync(body, brotliOptions(body.byteLength)) : await gzipAsync(body)) as Buffer<ArrayBuffer>;

const mentionsAcceptEncoding = /(?:^|,)\s*accept-encoding\s*(?:,|$)/i;

/**
 * Compresses what the app makes per request — pages, JSON, CSV, scripts and styles served plain — with brotli
 * or gzip when the client takes it. Left alone: HEAD, 204/304/206, bodies already encoded (the prebuilt
 * /assets files), types that gain nothing or must keep flushing (images, `text/event-stream`),
 * `Cache-Control: no-transform`, and bodies under 1 KiB. A streamed body stays streamed.
 */
export const compressResponses: MiddlewareHandler = async (c, next) => {
  await next();
  const res = c.res;
  if (c.req.method === 'HEAD' || !res.body || res.status === 204 || res.status === 304 || res.status === 206) return;
  if (res.headers.has('content-encoding')) return;
  if (!COMPRESSIBLE_CONTENT_TYPE_REGEX.test(res.headers.get('content-type') ?? '')) return;
  if (/(?:^|,)\s*no-transform\s*(?:,|$)/i.test(res.headers.get('cache-control') ?? '')) return;

  // The answer depends on Accept-Encoding from here on, compressed or not this time: caches must know.
  const vary = res.headers.get('vary');
  if (vary !== '*' && !(vary && mentionsAcceptEncoding.test(vary))) {
    res.headers.set('vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
  }
  const length = res.headers.get('content-length');
  if (length !== null && Number(length) < MIN_COMPRESS_BYTES) return;
  const encoding = chooseEncoding(c.req.header('accept-encoding'));
  if (!encoding) return;

  const reader = res.body.getReader();
  const head = await readHead(reader);
  let body: Buffer<ArrayBuffer> | ReadableStream<Uint8Array>;
  if (head.done && head.size < MIN_COMPRESS_BYTES) {
    c.res = new Response(concat(head.chunks), res);
    return;
  } else if (head.done) {
    body = await compressWhole(encoding, concat(head.chunks));
  } else {
    body = resume(reader, head.chunks, head.pending).pipeThrough(streamingCompressor(encoding));
  }
  c.res = new Response(body, res);
  // Set after the assignment: hono copies the previous answer's headers onto the new one.
  c.res.headers.set('content-encoding', encoding);
  if (Buffer.isBuffer(body)) c.res.headers.set('content-length', String(body.byteLength));
  else c.res.headers.delete('content-length');
  const etag = c.res.headers.get('etag');
  if (etag && !etag.startsWith('W/')) c.res.headers.set('etag', `W/${etag}`);
};
