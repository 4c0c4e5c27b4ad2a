// Manifests for the benchmark. Deterministic (seeded), valid, and shaped like
// real ones: descriptions, a mix of required/default, providers arrays,
// composed secrets, inline tables and `[profiles.x.NAME]` sub-tables.

/** mulberry32: small, fast, reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICES = ['DATABASE', 'REDIS', 'STRIPE', 'SENTRY', 'GITHUB', 'AWS', 'OPENAI', 'SMTP', 'S3', 'KAFKA', 'AUTH0', 'SLACK'];
const KINDS = ['URL', 'API_KEY', 'TOKEN', 'PASSWORD', 'USER', 'HOST', 'SECRET', 'DSN', 'CLIENT_ID', 'REGION'];
const WORDS = ['connection', 'string', 'for', 'the', 'primary', 'read-only', 'replica', 'used', 'by', 'workers', 'in', 'staging', 'webhook', 'signing', 'key', 'rotated', 'monthly', 'account'];
const ALIASES = ['vault', 'env', 'local', 'op'];

const PROVIDERS_TABLE = `[providers]
vault = "vault://vault.internal:8200/secret"
env = "env://"
local = "keyring://"
op = "onepassword://my.1password.com@Engineering"
cached = { fallback = ["op"], cache = { provider = "local", max_age = "8h" } }
`;

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

function sentence(rnd: () => number): string {
  const n = 3 + Math.floor(rnd() * 5);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(pick(rnd, WORDS));
  const s = words.join(' ');
  return s[0]!.toUpperCase() + s.slice(1);
}

function providers(rnd: () => number): string {
  // A cached alias is a complete route: it stands alone in a providers list.
  if (rnd() < 0.15) return '["cached"]';
  const n = 1 + Math.floor(rnd() * 2);
  const chosen = new Set<string>();
  while (chosen.size < n) chosen.add(pick(rnd, ALIASES));
  return `[${[...chosen].map((a) => `"${a}"`).join(', ')}]`;
}

/**
 * `declarations` secrets spread evenly over `profiles` profiles. The default
 * profile declares its share; every other profile declares new secrets of its
 * own and overrides a few from `default`. Roughly 110 bytes per declaration.
 */
export function largeManifest(declarations = 10_000, profiles = 10, seed = 1): string {
  const rnd = random(seed);
  const out: string[] = ['[project]', 'name = "bench-large"', 'revision = "1.0"', '', PROVIDERS_TABLE];
  const perProfile = Math.ceil(declarations / profiles);
  const defaultNames: string[] = [];
  let written = 0;
  for (let p = 0; p < profiles && written < declarations; p++) {
    const profile = p === 0 ? 'default' : `env${p}`;
    const inline: string[] = [];
    const tables: string[] = [];
    const names: string[] = [];
    const count = Math.min(perProfile, declarations - written);
    for (let i = 0; names.length < count; i++) {
      // Non-default profiles override some of default's secrets (about one in five).
      const override = p > 0 && defaultNames.length > 0 && rnd() < 0.2;
      const name = override ? defaultNames[Math.floor(rnd() * defaultNames.length)]! : `${pick(rnd, SERVICES)}_${pick(rnd, KINDS)}_${p}_${i}`;
      if (override && names.includes(name)) continue;
      names.push(name);
      const fields: Array<[string, string]> = [['description', JSON.stringify(sentence(rnd))]];
      const roll = rnd();
      const composable = names.slice(-20, -1).filter((n) => !n.startsWith('COMPOSED'));
      if (!override && roll < 0.05 && composable.length >= 2) {
        const [a, b] = [pick(rnd, composable), pick(rnd, composable)];
        fields.length = 0;
        const composedName = `COMPOSED_${p}_${i}`;
        names[names.length - 1] = composedName;
        fields.push(['description', JSON.stringify(sentence(rnd))], ['composed', JSON.stringify(`postgres://\${${a}}:\${${b}}@db.internal:5432/app`)]);
        inline.push(`${composedName} = { ${fields.map(([k, v]) => `${k} = ${v}`).join(', ')} }`);
        continue;
      }
      if (roll < 0.45) fields.push(['required', 'true']);
      else if (roll < 0.75) fields.push(['required', 'false'], ['default', JSON.stringify(`value-${i}`)]);
      else fields.push(['required', 'false']);
      if (rnd() < 0.5) fields.push(['providers', providers(rnd)]);
      if (rnd() < 0.05) fields.push(['as_path', 'true']);
      if (rnd() < 0.12) {
        tables.push(`[profiles.${profile}.${name}]`, ...fields.map(([k, v]) => `${k} = ${v}`), '');
      } else {
        inline.push(`${name} = { ${fields.map(([k, v]) => `${k} = ${v}`).join(', ')} }`);
      }
    }
    if (p === 0) defaultNames.push(...names.filter((n) => !n.startsWith('COMPOSED')));
    written += names.length;
    out.push(`[profiles.${profile}]`, ...inline, '', ...tables);
  }
  return out.join('\n');
}

/** A typical hand-written manifest, about 60 lines. */
export function typicalManifest(): string {
  return `[project]
name = "storefront"
revision = "1.0"

[providers]
op = "onepassword://my.1password.com@Storefront"
local = "keyring://"
ci = "env://"
op-cached = { fallback = ["op"], cache = { provider = "local", max_age = "8h" } }

[profiles.default]
DATABASE_URL = { description = "PostgreSQL connection string", required = true, providers = ["op-cached"] }
REDIS_URL = { description = "Redis connection for caching", required = false, default = "redis://localhost:6379" }
STRIPE_SECRET_KEY = { description = "Stripe API secret key", required = true, providers = ["op"] }
STRIPE_WEBHOOK_SECRET = { description = "Stripe webhook signing secret", required = true, providers = ["op"] }
SENTRY_DSN = { description = "Sentry DSN for error reporting", required = false }
SMTP_HOST = { description = "Outgoing mail server", required = false, default = "localhost" }
SMTP_USER = { description = "Outgoing mail user", required = false }
SMTP_PASSWORD = { description = "Outgoing mail password", required = false }
LOG_LEVEL = { description = "Application log level", required = false, default = "info" }
SESSION_SECRET = { description = "Cookie signing key", required = true }

[profiles.default.TLS_CERT]
description = "TLS certificate for the public endpoint"
required = false
as_path = true

[profiles.default.TLS_KEY]
description = "TLS private key for the public endpoint"
required = false
as_path = true

[profiles.development]
DATABASE_URL = { description = "Local database", required = false, default = "postgres://localhost/storefront" }
STRIPE_SECRET_KEY = { description = "Stripe test key", required = false, default = "sk_test_placeholder" }
STRIPE_WEBHOOK_SECRET = { description = "Stripe test webhook secret", required = false }
SESSION_SECRET = { description = "Development-only cookie key", required = false, default = "dev-only" }
LOG_LEVEL = { description = "Verbose logs while developing", required = false, default = "debug" }

[profiles.ci]
DATABASE_URL = { description = "CI database", required = true, providers = ["ci"] }
STRIPE_SECRET_KEY = { description = "Stripe test key in CI", required = true, providers = ["ci"] }
SESSION_SECRET = { description = "CI cookie key", required = true, providers = ["ci"] }

[profiles.production]
DATABASE_URL = { description = "Production database", required = true, providers = ["op-cached"] }
SENTRY_DSN = { description = "Sentry DSN for production", required = true, providers = ["op"] }
REDIS_URL = { description = "Production Redis", required = true, providers = ["op"] }
DB_USER = { description = "Database user for reporting", required = true, providers = ["op"] }
DB_PASSWORD = { description = "Database password for reporting", required = true, providers = ["op"] }
REPORTING_URL = { description = "Reporting connection", composed = "postgres://\${DB_USER}:\${DB_PASSWORD}@reports.internal/app" }

[scopes.web]
secrets = ["DATABASE_URL", "REDIS_URL", "SESSION_SECRET", "STRIPE_SECRET_KEY"]

[scopes.worker]
secrets = ["DATABASE_URL", "REDIS_URL", "SMTP_HOST", "SMTP_USER", "SMTP_PASSWORD"]
`;
}
