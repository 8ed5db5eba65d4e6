/** An in-memory SecretStore for tests; can be told to fail. */
import type { SecretStore } from '../../src-main/engine/ports.js';

export class MemorySecretStore implements SecretStore {
  readonly kind = 'file' as const;
  readonly location = 'memory';
  readonly values = new Map<string, string>();
  failNext: Error | null = null;

  async get(accountId: string): Promise<string | null> {
    this.#maybeFail();
    return this.values.get(accountId) ?? null;
  }
  async set(accountId: string, value: string): Promise<void> {
    this.#maybeFail();
    this.values.set(accountId, value);
  }
  async delete(accountId: string): Promise<void> {
    this.#maybeFail();
    this.values.delete(accountId);
  }
  #maybeFail(): void {
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = null;
      throw e;
    }
  }
}
