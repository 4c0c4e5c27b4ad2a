// The shop's stand-in program: says which of its secrets it was started
// with, never their values. Run it with F5 ("Shop (default profile)"), the
// "start" task, or from a SecretSpec terminal: `node app.js`.
const names = ['DATABASE_URL', 'STRIPE_KEY', 'LOG_LEVEL', 'SENTRY_DSN', 'SESSION_SECRET', 'DATABASE_DSN'];
for (const name of names) {
  const value = process.env[name];
  console.log(`${name.padEnd(15)} ${value === undefined ? 'not set' : `set (${value.length} characters)`}`);
}
