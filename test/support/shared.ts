// ../shared (specs, corpus, conformance fixtures) is beside the checkout for
// developers and CI, but not in a user's fresh clone: suites that read it
// skip with this reason when it is absent.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lspClient';

export const SHARED = join(ROOT, '..', 'shared');

export function sharedSkipReason(sub: string): string | false {
  return existsSync(join(SHARED, sub)) ? false : `../shared/${sub} is not present (it ships beside the repository for developers and CI only)`;
}
