import { loadConfig } from '../config.js';
import { openMigratedDatabase } from '../bootstrap.js';
import { systemClock } from '../http/context.js';
import { formatDemoLogins, seedDemo, seedDemoCampaign } from '../seed/demo.js';
import { ensureBuiltInSurveys } from '../db/queries/surveys.js';
import { createLinkTokens } from '../auth/link-tokens.js';
import { loadLinkSecret } from '../auth/link-secret.js';
import { createLogger } from '../http/logger.js';
import { seedDemoHistory } from '../seed/demo-history.js';
import { seedDemoPlans } from '../seed/demo-plans.js';
import { seedDemoTouchpoints } from '../seed/demo-touchpoints.js';
import { seedDemoPulses } from '../seed/demo-pulses.js';

const config = loadConfig();
const database = await openMigratedDatabase(config);
try {
  const logins = await seedDemo(database.db, systemClock, console.log);
  await ensureBuiltInSurveys(database.db, systemClock.now());
  const links = createLinkTokens(await loadLinkSecret(database.db, config, createLogger(config.logLevel)));
  const history = await seedDemoHistory(database.db, links, systemClock, config);
  if (history) console.log(`Demo history: ${history} answers over five quarterly NPS waves.`);
  if (await seedDemoPlans(database.db, systemClock)) console.log('Demo account plans: Northwind Logistics and Atlas Health Group.');
  const touches = await seedDemoTouchpoints(database.db, systemClock);
  if (touches) console.log(`Demo touchpoints: ${touches} over the last year with the key accounts.`);
  const deliveryPulses = await seedDemoPulses(database.db, links, systemClock);
  if (deliveryPulses) console.log(`Demo pulses after events: ${deliveryPulses} delivery pulses over the last five months.`);
  if (await seedDemoCampaign(database.db, links, systemClock)) {
    console.log('Demo campaign created: the server sends its emails to the email log (/outbox) when it runs.');
  }
  console.log(formatDemoLogins(logins));
} finally {
  await database.close();
}
