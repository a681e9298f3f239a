import { watch } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { rebuildClientAssets, warmClientAssets } from '../http/client-assets.js';

/** Development only (`npm run dev`): browser files are rebuilt when they change, and open pages reload. */
export const LIVE_RELOAD_PATH = '/assets/dev/live';

const clientDir = fileURLToPath(new URL('../../client/', import.meta.url));
const listeners = new Set<(build: string) => void>();
let build = String(Date.now());
let watching = false;

/** Watches src/client; each change (debounced) rebuilds the bundles and tells the open pages. */
export function startLiveReload(log: (line: string) => void): void {
  if (watching) return;
  watching = true;
  let timer: NodeJS.Timeout | undefined;
  watch(clientDir, { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      rebuildClientAssets();
      warmClientAssets();
      build = String(Date.now());
      log(`client files changed: rebuilt, reloading ${listeners.size} open page(s)`);
      for (const notify of listeners) notify(build);
    }, 80);
  });
}

/**
 * Server-sent events: the current build id at once, then each new one. A page reloads when the id differs
 * from the first it saw — also after `tsx watch` restarted the server (EventSource reconnects by itself).
 */
export function liveReloadStream(c: Context) {
  return streamSSE(c, async (stream) => {
    await stream.writeSSE({ event: 'build', data: build });
    await new Promise<void>((resolve) => {
      const notify = (id: string) => void stream.writeSSE({ event: 'build', data: id }).catch(resolve);
      listeners.add(notify);
      stream.onAbort(() => {
        listeners.delete(notify);
        resolve();
      });
    });
  });
}
