// Makes an administrator on a fresh install:
//   npm run create-admin -- --username admin --name "系统管理员"
// The printed one-time password must be changed at first sign-in.
import { isRefusal } from '../lib/server/refusal';
import { createUser } from '../lib/server/users/users.service';
import { argValue, fail, openMigrated } from './shared';

const username = argValue('username') ?? 'admin';
const name = argValue('name') ?? '系统管理员';
if (!/^[a-zA-Z0-9._-]{1,64}$/.test(username)) fail('--username: letters, digits, dot, underscore or hyphen');

const { db } = await openMigrated();
try {
	const { oneTimePassword } = await createUser(db, null, { username, displayName: name, role: 'admin' });
	console.log(`Administrator "${username.toLowerCase()}" created.`);
	console.log(`One-time password: ${oneTimePassword}`);
	console.log('It must be changed at first sign-in.');
} catch (e) {
	if (isRefusal(e) && e.code === 'username_taken') fail(`A user named "${username}" already exists.`);
	throw e;
} finally {
	await db.destroy();
}
