// Generation options that only fail when a value is generated ([X],
// manifest-rules §3.7): worth a hint while typing.
import type { EffectiveProfile } from '../manifest/effective';
import type { Reporter } from './report';

export function checkHints(profiles: Map<string, EffectiveProfile>, r: Reporter): void {
  for (const profile of profiles.values()) {
    for (const s of profile.secrets.values()) {
      const gen = s.fields.generate;
      if (!gen || typeof gen.value !== 'object') continue;
      const opts = gen.value;
      const type = s.fields.type?.value;
      if (typeof opts['charset'] === 'string' && opts['charset'] !== 'alphanumeric' && opts['charset'] !== 'ascii') {
        r.info('generate-unknown-charset', `unknown charset '${opts['charset']}', expected 'alphanumeric' or 'ascii': generation will fail`, gen.at, 'value', { sub: ['charset'] });
      }
      for (const k of ['length', 'bytes'] as const) {
        if (opts[k] === 0) r.info('generate-empty', `\`${k} = 0\` generates an empty value`, gen.at, 'value', { sub: [k] });
      }
      if (type === 'command' && opts['command'] === '') {
        r.info('generate-empty-command', 'an empty `command` fails when the value is generated', gen.at, 'value', { sub: ['command'] });
      }
    }
  }
}
