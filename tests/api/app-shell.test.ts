import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

describe('npm run dev: live reload of the workspace app', () => {
  let dev: TestContext;
  let plain: TestContext;
  beforeAll(async () => {
    [dev, plain] = await Promise.all([createTestContext({ dev: true }), createTestContext()]);
  });
  afterAll(async () => {
    await Promise.all([dev?.close(), plain?.close()]);
  });

  it('in development the shell names the reload stream, which announces the current build at once', async () => {
    const manager = await dev.signIn('account_manager');
    const shell = await manager.get('/');
    expect(shell.text).toContain('<meta name="kp-live-reload" content="/assets/dev/live"/>');
    const res = await dev.app.request('http://localhost:3000/assets/dev/live');
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toMatch(/^event: build\ndata: \d+\n\n/);
    await reader.cancel();
  });

  it('otherwise there is no reload stream and the shell does not ask for one', async () => {
    const manager = await plain.signIn('account_manager');
    expect((await manager.get('/')).text).not.toContain('kp-live-reload');
    expect((await plain.anonymous().get('/assets/dev/live')).status).toBe(404);
  });
});
