import { loadConfig } from '../config.js';
import { openMigratedDatabase } from '../bootstrap.js';

const config = loadConfig();
console.log(`Applying migrations to ${config.database.kind === 'postgres' ? 'PostgreSQL' : config.database.dataDir}…`);
const database = await openMigratedDatabase(config);
await database.close();
console.log('Migrations are up to date.');
