// Values the user typed are registered here for as long as they travel, and
// every line the extension logs passes through `redact` first: even a
// verbose protocol trace of `secretspec/set` shows no value.

const MASK = '«redacted»';

export class Redactor {
  private readonly values = new Map<string, number>();

  /** Masks `value` (and its JSON-escaped form) until the returned function is called. */
  hold(value: string): () => void {
    const forms = [value, JSON.stringify(value).slice(1, -1)].filter((f) => f.length > 0);
    for (const f of forms) this.values.set(f, (this.values.get(f) ?? 0) + 1);
    return () => {
      for (const f of forms) {
        const n = (this.values.get(f) ?? 1) - 1;
        if (n <= 0) this.values.delete(f);
        else this.values.set(f, n);
      }
    };
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a value that contains another is masked whole.
    for (const v of [...this.values.keys()].sort((a, b) => b.length - a.length)) out = out.split(v).join(MASK);
    return out;
  }
}
