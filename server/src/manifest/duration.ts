/** `cache.max_age` (manifest-rules §5.4): one or more `<digits><unit>` groups, units s m h d w. Returns SecretSpec's error text, or undefined. */
export function checkMaxAge(raw: string): string | undefined {
  const v = raw.trim();
  if (v === '') return 'cache max_age must not be empty';
  const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0n;
  let i = 0;
  while (i < v.length) {
    let j = i;
    while (j < v.length && v[j]! >= '0' && v[j]! <= '9') j++;
    if (j === i) return `invalid cache max_age '${raw}'; expected a duration such as '30m', '8h', or '1d'`;
    const digits = v.slice(i, j);
    if (j >= v.length) return `invalid cache max_age '${raw}'; every number needs a unit (s, m, h, d, or w)`;
    const unit = UNITS[v[j]!];
    if (unit === undefined) return `invalid cache max_age '${raw}'; supported units are s, m, h, d, and w`;
    total += BigInt(digits) * BigInt(unit);
    if (total > 18446744073709551615n) return `cache max_age '${raw}' is too large`;
    i = j + 1;
  }
  if (total === 0n) return 'cache max_age must be greater than zero';
  return undefined;
}
