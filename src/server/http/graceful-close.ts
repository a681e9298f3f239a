import type { Server, ServerResponse } from 'node:http';

/** How often a draining server looks for keep-alive connections that have just finished their last response. */
const IDLE_SWEEP_MS = 100;

/**
 * Tracks the responses in flight on `server`, so that a drain can tell their connections to close after them.
 * Call once, right after the server is created.
 */
export function trackResponses(server: Server): Set<ServerResponse> {
  const inFlight = new Set<ServerResponse>();
  server.on('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
  });
  return inFlight;
}

/**
 * Stops taking connections and resolves once every request already started has been answered: the listening
 * socket closes at once (a load balancer's next connection is refused and goes to another process), requests in
 * flight run to their end, and keep-alive connections are closed as soon as they are idle instead of waiting for
 * the keep-alive timeout. Responses not yet started carry `Connection: close`, so clients do not send another
 * request down a connection that is about to close.
 */
export function closeGracefully(server: Server, inFlight: Set<ServerResponse>): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    server.close(() => {
      clearInterval(sweep);
      resolve();
    });
    server.on('request', (_req, res: ServerResponse) => res.setHeader('connection', 'close'));
    for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    server.closeIdleConnections();
  });
}
