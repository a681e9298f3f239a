// The loopback fake of the Resend API in its own process, so the benchmark's memory and CPU figures are
// Keypulse's alone. Talks to the parent over IPC: it announces its URL, answers 'stats' and 'reset'.
import { startFakeResend } from '../tests/helpers/fake-resend.js';

const fake = await startFakeResend();
process.send!({ type: 'ready', url: fake.url, apiKey: fake.apiKey });
process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') {
    const emails = fake.emails();
    process.send!({ type: 'stats', emails: emails.length, distinct: new Set(emails.map((e) => String(e.to))).size, requests: fake.requests().length });
  } else if (message.type === 'reset') {
    fake.reset();
    process.send!({ type: 'reset' });
  } else if (message.type === 'close') {
    void fake.close().then(() => process.exit(0));
  }
});
