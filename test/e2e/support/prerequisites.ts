// What the in-editor suites need on the machine, installed when missing:
// gnome-keyring and D-Bus (a private Secret Service), Chromium, code-server.
// Returns why a suite must skip, or undefined.
import { ensureDebianPackages } from '../../support/systemPackages';
import { ensureChromium } from './browser';
import { ensureCodeServer } from './codeServer';

export function e2ePrerequisites(extraPackages: string[] = []): string | undefined {
  const pkgs = ensureDebianPackages(['gnome-keyring', 'libsecret-tools', 'dbus', 'dbus-x11', ...extraPackages]);
  if (!pkgs.ok) return pkgs.reason;
  const chromium = ensureChromium();
  if (!chromium.ok) return chromium.reason;
  const cs = ensureCodeServer((line) => console.log(`# ${line}`));
  return cs.ok ? undefined : cs.reason;
}
