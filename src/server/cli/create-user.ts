import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline/promises';
import { loadConfig } from '../config.js';
import { openMigratedDatabase } from '../bootstrap.js';
import { hashPassword } from '../auth/passwords.js';
import { isUniqueViolation } from '../db/errors.js';
import { insertUser } from '../db/queries/users.js';
import { CreateUser, PASSWORD_MIN_LENGTH } from '../../shared/schemas/user.js';
import { passwordProblem } from '../domain/password-policy.js';

const usage = 'usage: npm run user:create -- --email a@b.c --name "Ada" [--role admin|executive|account_manager] [--password …]\n' +
  '(without --password it is asked for)';

const { values } = parseArgs({
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', default: 'admin' },
    password: { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help || !values.email) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}

let password = values.password;
if (!password) {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  password = await rl.question(`Password (${PASSWORD_MIN_LENGTH}+ characters, not a common one): `);
  rl.close();
}
const parsed = CreateUser.safeParse({ email: values.email, name: values.name ?? values.email, role: values.role, password });
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(`${issue.path.join('.')}: ${issue.message}`);
  process.exit(2);
}
const problem = await passwordProblem(password, { email: parsed.data.email });
if (problem) {
  console.error(`password: ${problem}`);
  process.exit(2);
}

const database = await openMigratedDatabase(loadConfig());
try {
  const { password: _checked, ...fields } = parsed.data;
  const user = await insertUser(database.db, { ...fields, passwordHash: await hashPassword(password) });
  console.log(`Created ${user.role} ${user.email} (${user.id}).`);
} catch (error) {
  if (!isUniqueViolation(error)) throw error;
  console.error(`A user with the email ${parsed.data.email} already exists.`);
  process.exitCode = 1;
} finally {
  await database.close();
}
