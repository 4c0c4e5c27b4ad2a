// The providers shipped with the extension, by URI scheme.
import type { BundledProvider } from '../types';
import { dotenvProvider } from './dotenv';
import { envProvider } from './env';
import { fileProvider } from './file';
import { keyringProvider } from './keyring';
import { nullProvider } from './null';
import { passProvider } from './pass';

export function bundledProviders(): Map<string, BundledProvider> {
  const all = [keyringProvider, dotenvProvider, envProvider, fileProvider, nullProvider, passProvider];
  return new Map(all.map((p) => [p.scheme, p]));
}
