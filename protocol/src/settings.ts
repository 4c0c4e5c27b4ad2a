// The `secretspec` settings section, typed once for the client (which reads
// it from VS Code) and the server (which pulls it with
// workspace/configuration, per resource). Settings are user input: a field
// of the wrong shape reads as unset, so one typo never discards the rest.
import { z } from 'zod';

export const SETTINGS_SECTION = 'secretspec';

/** Trimmed; empty reads as unset. */
const text = z
  .string()
  .transform((s) => s.trim() || undefined)
  .optional()
  .catch(undefined);

const settingsSchema = z
  .object({
    /** Route of secrets without a providers chain (resource scope). */
    defaultProvider: text,
    /** Re-check presence when a manifest is saved (resource scope). */
    checkOnSave: z.boolean().default(true).catch(true),
    /** `secretspec.plugins`: per scheme, checked entry by entry when the scheme is used (application scope). */
    plugins: z.record(z.unknown()).optional().catch(undefined),
    /** Per-request plugin timeout in milliseconds (machine scope). */
    requestTimeoutMs: z.number().int().min(100).max(600_000).optional().catch(undefined),
    /** The user's `secretspec` CLI. */
    cli: z
      .object({
        /** Its absolute path (machine scope: a workspace must not point it at a program). */
        path: text,
        /**
         * Run `secretspec check` again when a manifest is saved (resource scope: whether a save may
         * contact the project's backends is a per-project choice). Off by default: a CLI check may
         * reach real backends and unlock prompts, so it runs on open and on Check Now only.
         */
        checkOnSave: z.boolean().default(false).catch(false),
        /** How long one CLI run may take before its process group is stopped (machine scope). */
        timeoutMs: z.number().int().min(1000).max(600_000).default(30_000).catch(30_000),
      })
      .optional()
      .catch(undefined),
  })
  .catch({ checkOnSave: true });

export type Settings = z.infer<typeof settingsSchema>;

/** Whatever a client answered (null, a partial table, values of the wrong type) as typed settings. */
export function parseSettings(raw: unknown): Settings {
  return settingsSchema.parse(raw ?? {});
}

/** The keys a client sends, relative to the section; an unset one is left out so the server uses its own default. */
export const SETTING_KEYS = ['defaultProvider', 'checkOnSave', 'plugins', 'requestTimeoutMs', 'cli.path', 'cli.checkOnSave', 'cli.timeoutMs'] as const;
