// User-level plugin registrations, `secretspec.plugins.<scheme>` in the
// editor settings. Settings are user input: a malformed entry is kept as an
// error to report when that scheme is used, never thrown at startup.
import { z } from 'zod';

/** The raw `secretspec.plugins` setting as the client sends it. */
export type PluginSettings = Record<string, unknown>;

export interface PluginSetting {
  /** Absolute path of the plugin executable; absent means "use bundled or PATH". */
  path?: string;
  /** Added to the plugin's minimal environment. */
  env: Record<string, string>;
  /** Per-request timeout for this plugin. */
  timeoutMs?: number;
  enabled: boolean;
  /** Name patterns (`*`, `?`) of secrets the plugin may be asked about; absent means all. */
  allowedSecrets?: string[];
  /**
   * What the executable (this setting's `path`, else `secretspec-provider-<scheme>` on PATH) speaks:
   * the draft line protocol unless this says `secretspec.provider` (SecretSpec 0.21 endpoints).
   * The host cannot tell from the process (both wait for the host to write first), so it is told.
   */
  protocol: PluginProtocol;
}

export const PLUGIN_PROTOCOLS = ['draft', 'secretspec.provider'] as const;
export type PluginProtocol = (typeof PLUGIN_PROTOCOLS)[number];

const settingSchema = z
  .object({
    path: z.string().min(1).optional(),
    env: z.record(z.string()).optional(),
    timeoutMs: z.number().int().positive().max(600_000).optional(),
    enabled: z.boolean().optional(),
    allowedSecrets: z.array(z.string()).optional(),
    protocol: z.enum(PLUGIN_PROTOCOLS).optional(),
  })
  .passthrough();

export type SettingLookup = { ok: true; setting: PluginSetting | undefined } | { ok: false; message: string };

export function pluginSetting(settings: PluginSettings | undefined, scheme: string): SettingLookup {
  const raw = settings && Object.prototype.hasOwnProperty.call(settings, scheme) ? settings[scheme] : undefined;
  if (raw === undefined || raw === null) return { ok: true, setting: undefined };
  const parsed = settingSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = ['secretspec.plugins', scheme, ...(issue?.path ?? [])].join('.');
    return { ok: false, message: `the setting ${where} is invalid (${issue?.message ?? 'unexpected shape'}); fix it in your user settings` };
  }
  const s = parsed.data;
  return {
    ok: true,
    setting: {
      ...(s.path !== undefined ? { path: s.path } : {}),
      env: s.env ?? {},
      ...(s.timeoutMs !== undefined ? { timeoutMs: s.timeoutMs } : {}),
      enabled: s.enabled ?? true,
      ...(s.allowedSecrets !== undefined ? { allowedSecrets: s.allowedSecrets } : {}),
      protocol: s.protocol ?? 'draft',
    },
  };
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** Whether a secret name may be sent to the plugin under `allowedSecrets`. */
export function secretAllowed(setting: PluginSetting | undefined, name: string): boolean {
  return secretFilter(setting)(name);
}

const ALLOW_ALL = (): boolean => true;

/** `secretAllowed` for many names: the patterns are compiled once. */
export function secretFilter(setting: PluginSetting | undefined): (name: string) => boolean {
  if (!setting?.allowedSecrets) return ALLOW_ALL;
  const patterns = setting.allowedSecrets.map(globToRegExp);
  return (name) => patterns.some((p) => p.test(name));
}
