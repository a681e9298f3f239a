import { loadConfig } from '../config.js';
import { openMigratedDatabase } from '../bootstrap.js';
import { systemClock } from '../http/context.js';
import { formatDemoLogins, seedDemo } from '../seed/demo.js';

const config = loadConfig();
const database = await openMigratedDatabase(config);
try {
  const logins = await seedDemo(database.db, systemClock, console.log);
  console.log(formatDemoLogins(logins));
} finally {
  await database.close();
}
