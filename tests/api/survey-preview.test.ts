import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { templateSurveyId } from '../helpers/survey-fixtures.js';
import { responses, surveyVersions } from '../../src/server/db/schema/index.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('the survey preview page (/survey-preview/:id)', () => {
  it("renders the respondent's real page in the language asked for, in preview mode, frameable only by our own pages", async () => {
    const manager = await ctx.signIn('account_manager');
    const id = await templateSurveyId(ctx, 'nps');
    const res = await manager.get(`/survey-preview/${id}?lang=es`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="es"');
    expect(res.text).toContain('¿Cómo lo estamos haciendo?');
    // The same hydrating script as the real page, told it is a preview; the form posts nowhere.
    expect(res.text).toMatch(/<script type="module" src="\/assets\/survey-[0-9a-f]+\.js">/);
    expect(res.text).toContain('"preview":true');
    expect(res.text).not.toMatch(/<form[^>]*action=/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain("form-action 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(res.headers.get('cache-control')).toBe('no-store');

    // An unknown language falls back to English; the workspace may frame our own pages.
    expect((await manager.get(`/survey-preview/${id}?lang=xx`)).text).toContain('How are we doing?');
    const shell = await manager.get(`/surveys/${id}`);
    expect(shell.headers.get('content-security-policy')).toContain("frame-src 'self'");
  });

  it('executives may preview too (read-only); signed-out visitors go to sign-in; unknown surveys are not found; nothing is written', async () => {
    const id = await templateSurveyId(ctx, 'audit');
    const [beforeResponses] = await ctx.database.db.select({ n: count() }).from(responses);
    const [beforeVersions] = await ctx.database.db.select({ n: count() }).from(surveyVersions);
    const executive = await ctx.signIn('executive');
    expect((await executive.get(`/survey-preview/${id}`)).status).toBe(200);
    const anonymous = await ctx.anonymous().get(`/survey-preview/${id}`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(`/signin?next=${encodeURIComponent(`/survey-preview/${id}`)}`);
    expect((await executive.get('/survey-preview/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await executive.get('/survey-preview/not-a-uuid')).status).toBe(404);
    // A preview has no token: posting to the respondent's endpoint with it finds nothing.
    const post = await executive.post('/s/preview/answers', { answers: { nps: 9 }, complete: true });
    expect(post.status).toBe(404);
    const [afterResponses] = await ctx.database.db.select({ n: count() }).from(responses);
    const [afterVersions] = await ctx.database.db.select({ n: count() }).from(surveyVersions);
    expect(afterResponses!.n).toBe(beforeResponses!.n);
    expect(afterVersions!.n).toBe(beforeVersions!.n);
  });
});
