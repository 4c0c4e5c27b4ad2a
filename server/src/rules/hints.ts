// Generation options that only fail when a value is generated ([X],
// manifest-rules §3.7): worth a hint while typing, for the options the
// secret's type actually uses.
import type { EffectiveProfile } from '../manifest/effective';
import type { Reporter } from './report';

export function checkHints(profiles: Map<string, EffectiveProfile>, r: Reporter): void {
  for (const profile of profiles.values()) {
    for (const s of profile.secrets.values()) {
      const gen = s.fields.generate;
      if (!gen || typeof gen.value !== 'object') continue;
      const opts = gen.value;
      const type = s.fields.type?.value;
      // Options irrelevant to the type are ignored at generation, so they can't fail it.
      if (type === 'password' && typeof opts['charset'] === 'string' && opts['charset'] !== 'alphanumeric' && opts['charset'] !== 'ascii') {
        r.info('generate-unknown-charset', `unknown charset '${opts['charset']}', expected 'alphanumeric' or 'ascii': generation will fail`, gen.at, 'value', { sub: ['charset'] });
      }
      const sizeOption = type === 'password' ? 'length' : type === 'hex' || type === 'base64' ? 'bytes' : undefined;
      if (sizeOption && opts[sizeOption] === 0) {
        r.info('generate-empty', `\`${sizeOption} = 0\` generates an empty value`, gen.at, 'value', { sub: [sizeOption] });
      }
      if (type === 'command' && opts['command'] === '') {
        r.info('generate-empty-command', 'an empty `command` fails when the value is generated', gen.at, 'value', { sub: ['command'] });
      }
    }
  }
}
