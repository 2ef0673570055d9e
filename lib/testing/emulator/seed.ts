import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateSigningKey } from '../keys.js';
import { hashPassword } from '../passwords.js';
import { readJsonFile } from '../persistence.js';
import { newId, newSecret, Store, validateProfile } from '../store.js';
import { createTenant } from '../tenant-login.js';
import type { AuthingEmulatorOptions, EmulatorSeed, EmulatorUserSeed } from '../types.js';

/** The user created when the seed has none. */
export const DEMO_USER: Readonly<Required<Pick<EmulatorUserSeed, 'email' | 'username' | 'password' | 'name'>>> = {
  email: 'demo@example.com',
  username: 'demo',
  password: 'Passw0rd!',
  name: 'Demo User',
};

/**
 * The store an emulator starts with: the data file's when it has one, else the seed; then whatever
 * is still missing to serve (an application, an access key, a signing key).
 */
export async function initialStore(options: AuthingEmulatorOptions): Promise<Store> {
  const store = new Store();
  if (options.dataFile) await mkdir(dirname(options.dataFile), { recursive: true });
  const loaded = options.dataFile ? await readJsonFile(options.dataFile) : undefined;
  if (loaded !== undefined) store.load(loaded);
  else await seedStore(store, options.seed ?? {});
  if (store.apps.size === 0) store.addApp({});
  if (store.accessKeys.size === 0) store.accessKeys.set(newId(), newSecret());
  if (store.signingKeys.length === 0) store.signingKeys = [await generateSigningKey()];
  return store;
}

async function seedStore(store: Store, seed: EmulatorSeed): Promise<void> {
  store.addApp(seed.app ?? {});
  for (const app of seed.apps ?? []) store.addApp(app);
  store.accessKeys.set(seed.accessKey?.accessKeyId ?? newId(), seed.accessKey?.accessKeySecret ?? newSecret());
  for (const role of seed.roles ?? []) store.createRole(role);
  for (const group of seed.groups ?? []) {
    store.createGroup({ code: group.code, name: group.name ?? group.code, description: group.description });
  }
  const users: EmulatorUserSeed[] = seed.users ?? [DEMO_USER];
  const hashes = await Promise.all(users.map((u) => hashPassword(u.password)));
  users.forEach((seedUser, i) => {
    const profile = validateProfile({
      email: seedUser.email,
      username: seedUser.username,
      phone: seedUser.phone,
      name: seedUser.name,
      nickname: seedUser.nickname,
      customData: seedUser.customData,
      emailVerified: seedUser.email ? true : undefined,
    });
    const user = store.createUser(profile, {
      userId: seedUser.userId,
      passwordHash: hashes[i],
      source: 'adminCreated',
    });
    for (const code of seedUser.roles ?? []) {
      (store.findRole(code) ?? store.createRole({ code })).members.add(user.userId);
    }
    for (const code of seedUser.groups ?? []) {
      (store.groups.get(code) ?? store.createGroup({ code, name: code })).members.add(user.userId);
    }
  });
  for (const tenant of seed.tenants ?? []) createTenant(store, tenant);
}
