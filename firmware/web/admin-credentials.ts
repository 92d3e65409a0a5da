/**
 * The web UI's one account, `admin`, as Yealink phones have it: the factory
 * password is `admin`, and the UI forces a new one at the first login. Only
 * the scrypt hash is stored (password-hash.ts), never the password.
 *
 * Where the record lives is a CredentialStore: a file in the data directory on
 * the phone (credential-file.ts), memory in tests.
 */
import { asPasswordHash, DEFAULT_SCRYPT_PARAMS, hashPassword, verifyPassword, type PasswordHash, type ScryptParams } from './password-hash.js';
import { ADMIN_USER, INITIAL_PASSWORD, passwordProblem } from './password-policy.js';

export interface CredentialStore {
  /** The stored text; undefined when nothing was stored yet. */
  read(): Promise<string | undefined>;
  /** Replaces the stored text atomically. */
  write(text: string): Promise<void>;
}

export interface AdminRecord {
  readonly user: string;
  readonly password: PasswordHash;
  /** True while the factory password is in use. */
  readonly mustChange: boolean;
}

export type PasswordChange = { readonly ok: true } | { readonly ok: false; readonly reason: 'wrong-password' | 'policy'; readonly message: string };

function parseRecord(text: string): AdminRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const password = asPasswordHash(v['password']);
  if (password === undefined || v['user'] !== ADMIN_USER || typeof v['mustChange'] !== 'boolean') return undefined;
  return { user: ADMIN_USER, password, mustChange: v['mustChange'] };
}

export class AdminCredentials {
  private record: AdminRecord;

  private constructor(
    private readonly store: CredentialStore,
    private readonly params: ScryptParams,
    record: AdminRecord,
  ) {
    this.record = record;
  }

  /**
   * Loads the stored record. With none (first start), or one that cannot be
   * read back, the factory password applies again and must be changed at
   * the next login; `warn` hears about the second case.
   */
  static async open(store: CredentialStore, params: ScryptParams = DEFAULT_SCRYPT_PARAMS, warn: (message: string) => void = () => undefined): Promise<AdminCredentials> {
    const text = await store.read();
    const stored = text === undefined ? undefined : parseRecord(text);
    if (stored !== undefined) return new AdminCredentials(store, params, stored);
    if (text !== undefined) warn('the stored web admin password could not be read; the factory password applies until it is changed');
    const credentials = new AdminCredentials(store, params, await factoryRecord(params));
    await credentials.save();
    return credentials;
  }

  get user(): string {
    return this.record.user;
  }

  get mustChange(): boolean {
    return this.record.mustChange;
  }

  /** What is stored, for tests and diagnostics: it holds no password. */
  get stored(): AdminRecord {
    return this.record;
  }

  /** Runs scrypt even for a wrong user name, so the answer time does not tell which was wrong. */
  async verify(user: string, password: string): Promise<boolean> {
    const matches = await verifyPassword(password, this.record.password);
    return matches && user === this.record.user;
  }

  async change(current: string, next: string): Promise<PasswordChange> {
    if (!(await verifyPassword(current, this.record.password))) {
      return { ok: false, reason: 'wrong-password', message: 'the current password is wrong' };
    }
    const problem = passwordProblem(next, current);
    if (problem !== undefined) return { ok: false, reason: 'policy', message: problem };
    this.record = { user: this.record.user, password: await hashPassword(next, this.params), mustChange: false };
    await this.save();
    return { ok: true };
  }

  /** Factory reset: the factory password again, to be changed at the next login. */
  async reset(): Promise<void> {
    this.record = await factoryRecord(this.params);
    await this.save();
  }

  private save(): Promise<void> {
    return this.store.write(`${JSON.stringify(this.record, null, 2)}\n`);
  }
}

async function factoryRecord(params: ScryptParams): Promise<AdminRecord> {
  return { user: ADMIN_USER, password: await hashPassword(INITIAL_PASSWORD, params), mustChange: true };
}

/** A store in memory, for tests and a phone without a data directory. */
export class MemoryCredentialStore implements CredentialStore {
  text: string | undefined;

  read(): Promise<string | undefined> {
    return Promise.resolve(this.text);
  }

  write(text: string): Promise<void> {
    this.text = text;
    return Promise.resolve();
  }
}
