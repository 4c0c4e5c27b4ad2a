// Circuit breaker per plugin (provider-protocol.md §9): after a run of
// consecutive failures no new session is started for a cool-down period, so
// a broken plugin is not respawned on every keystroke.

export interface BreakerOptions {
  threshold: number;
  cooldownMs: number;
  now: () => number;
}

interface Entry {
  failures: number;
  openUntil: number;
  lastProblem: string;
}

export type BreakerState = { open: false } | { open: true; failures: number; remainingMs: number; lastProblem: string };

export class CircuitBreaker {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: BreakerOptions) {}

  state(plugin: string): BreakerState {
    const e = this.entries.get(plugin);
    if (!e || e.openUntil === 0) return { open: false };
    if (this.options.now() >= e.openUntil) {
      // Half-open: the next attempt may start a session; one more failure re-opens at once.
      e.openUntil = 0;
      e.failures = this.options.threshold - 1;
      return { open: false };
    }
    return { open: true, failures: e.failures, remainingMs: e.openUntil - this.options.now(), lastProblem: e.lastProblem };
  }

  success(plugin: string): void {
    this.entries.delete(plugin);
  }

  failure(plugin: string, problem: string): void {
    const e = this.entries.get(plugin) ?? { failures: 0, openUntil: 0, lastProblem: '' };
    e.failures += 1;
    e.lastProblem = problem;
    if (e.failures >= this.options.threshold && e.openUntil === 0) e.openUntil = this.options.now() + this.options.cooldownMs;
    this.entries.set(plugin, e);
  }
}
