// Mints a real better-auth session (see README.md): prints the cookie and the stored session.
import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';

const secret = 'my-32-char-secret-for-unit-tests!';
const storage = new Map();
const db = { user: [], session: [], account: [], verification: [] };
const auth = betterAuth({
  secret,
  baseURL: 'http://localhost:3000',
  database: memoryAdapter(db),
  emailAndPassword: { enabled: true },
  secondaryStorage: {
    get: async (key) => storage.get(key) ?? null,
    set: async (key, value) => { storage.set(key, value); },
    delete: async (key) => { storage.delete(key); },
  },
});
const response = await auth.api.signUpEmail({
  body: { email: 'fixture@example.com', password: 'correct-horse-battery', name: 'Fixture' },
  asResponse: true,
});
const setCookie = response.headers.get('set-cookie');
const entries = Object.fromEntries(storage);
console.log(JSON.stringify({ secret, setCookie, secondaryStorage: entries, sessionTable: db.session }, null, 2));
