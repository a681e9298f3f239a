import { prepareTestTemplate } from './helpers/database.js';

/** Migrates the template database once, before the test files start copying it (tests/helpers/database.ts). */
export default async function setup(): Promise<void> {
  await prepareTestTemplate();
}
