/**
 * oidc-provider's storage adapter, in memory and private to one emulator (the package's own memory
 * adapter is a module-wide LRU of 1000 entries shared by every provider in the process). Clients are
 * not stored here: they are read live from the emulator's applications, so edits apply at once.
 */

type Payload = Record<string, unknown>;

interface Entry {
  payload: Payload;
  expiresAt: number | undefined;
}

const epoch = (): number => Math.floor(Date.now() / 1000);

export class OidcStorage {
  readonly #entries = new Map<string, Entry>();
  readonly #byGrant = new Map<string, Set<string>>();
  readonly #sessionByUid = new Map<string, string>();
  readonly #byUserCode = new Map<string, string>();

  constructor(private readonly clientMetadata: (clientId: string) => Payload | undefined) {}

  /** The factory oidc-provider calls once per model name. */
  readonly factory = (name: string): OidcAdapter => new OidcAdapter(name, this);

  get(key: string): Payload | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  set(key: string, payload: Payload, expiresIn: number | undefined): void {
    this.#entries.set(key, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
    const grantId = payload.grantId;
    if (typeof grantId === 'string') {
      let keys = this.#byGrant.get(grantId);
      if (!keys) this.#byGrant.set(grantId, (keys = new Set()));
      keys.add(key);
    }
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    this.#entries.delete(key);
    const grantId = entry?.payload.grantId;
    if (typeof grantId === 'string') this.#byGrant.get(grantId)?.delete(key);
  }

  indexSession(uid: string, id: string): void {
    this.#sessionByUid.set(uid, id);
  }

  sessionIdByUid(uid: string): string | undefined {
    return this.#sessionByUid.get(uid);
  }

  indexUserCode(userCode: string, key: string): void {
    this.#byUserCode.set(userCode, key);
  }

  keyByUserCode(userCode: string): string | undefined {
    return this.#byUserCode.get(userCode);
  }

  revokeGrant(grantId: string): void {
    for (const key of this.#byGrant.get(grantId) ?? []) this.#entries.delete(key);
    this.#byGrant.delete(grantId);
  }

  /** The live oidc-provider sessions of an account (the user's logins at the hosted login), by id. */
  sessionsOf(accountId: string): Array<{ id: string; payload: Payload }> {
    const found: Array<{ id: string; payload: Payload }> = [];
    for (const [key, entry] of this.#entries) {
      if (!key.startsWith('Session:') || entry.payload.accountId !== accountId) continue;
      if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) continue;
      found.push({ id: key.slice('Session:'.length), payload: entry.payload });
    }
    return found;
  }

  client(clientId: string): Payload | undefined {
    return this.clientMetadata(clientId);
  }

  /** Drops expired entries; called periodically. */
  sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.delete(key);
    }
    for (const [uid, id] of this.#sessionByUid) if (!this.#entries.has(`Session:${id}`)) this.#sessionByUid.delete(uid);
    for (const [code, key] of this.#byUserCode) if (!this.#entries.has(key)) this.#byUserCode.delete(code);
    for (const [grantId, keys] of this.#byGrant) if (keys.size === 0) this.#byGrant.delete(grantId);
  }

  get size(): number {
    return this.#entries.size;
  }
}

export class OidcAdapter {
  constructor(
    private readonly name: string,
    private readonly storage: OidcStorage,
  ) {}

  #key(id: string): string {
    return `${this.name}:${id}`;
  }

  async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
    const key = this.#key(id);
    this.storage.set(key, payload, expiresIn);
    if (this.name === 'Session' && typeof payload.uid === 'string') this.storage.indexSession(payload.uid, id);
    if (typeof payload.userCode === 'string') this.storage.indexUserCode(payload.userCode, key);
  }

  async find(id: string): Promise<Payload | undefined> {
    if (this.name === 'Client') return this.storage.client(id);
    return this.storage.get(this.#key(id));
  }

  async findByUid(uid: string): Promise<Payload | undefined> {
    const id = this.storage.sessionIdByUid(uid);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode: string): Promise<Payload | undefined> {
    const key = this.storage.keyByUserCode(userCode);
    return key === undefined ? undefined : this.storage.get(key);
  }

  async consume(id: string): Promise<void> {
    const payload = this.storage.get(this.#key(id));
    if (payload) payload.consumed = epoch();
  }

  async destroy(id: string): Promise<void> {
    this.storage.delete(this.#key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    this.storage.revokeGrant(grantId);
  }
}
