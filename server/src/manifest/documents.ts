/** A document is a manifest when its path's last segment is `secretspec.toml`, whatever its languageId. */
export function isManifestUri(uri: string): boolean {
  const path = uri.split(/[?#]/)[0] ?? '';
  const last = path.slice(path.lastIndexOf('/') + 1);
  return decodeURIComponent(last) === 'secretspec.toml';
}
