import { invalidArgument, notFound } from '../http.js';
import { newId, newSecret, now } from '../store.js';
import type { Row } from '../store/collections.js';
import { optionalBoolean, optionalString, requireArray, requireString, type Args } from '../validate.js';
import { registerSettings } from '../api/crud.js';
import type { FamilyContext } from '../api/registry.js';

/**
 * User-pool settings documents, email templates, whitelists and access keys. Access keys created
 * here sign management requests at once, and deleted or disabled ones stop doing so.
 */
export function registerSettingsFamily(ctx: FamilyContext): void {
  const { store, route } = ctx;
  registerSettings(ctx, 'security', {
    get: ['get-security-settings'],
    update: ['update-security-settings'],
    defaults: {
      allowedOrigins: [],
      authingTokenExpiresIn: 1296000,
      verifyCodeLength: 6,
      verifyCodeMaxAttempts: 1,
      registerDisabled: false,
    },
  });
  registerSettings(ctx, 'emailProvider', {
    get: ['get-email-provider'],
    update: ['config-email-provider'],
    defaults: { type: 'smtp', enabled: false },
  });
  registerSettings(ctx, 'universalInvitation', {
    get: ['get-universal-invitation-settings'],
    update: ['update-universal-invitation-settings'],
    defaults: { enabledMemberInvitation: false },
  });
  registerSettings(ctx, 'tenantConfig', {
    get: ['userpool-tenant-config'],
    update: ['update-userpool-tenant-config'],
    unwrap: 'update',
    defaults: { enabled: false, appQrcodeEnabled: false },
  });
  registerSettings(ctx, 'deviceExclusiveRule', {
    get: ['get-device-exclusive-rule-settings'],
    update: ['update-device-exclusive-rule-settings'],
  });
  const ldap = registerSettings(ctx, 'ldapServer', {
    get: ['get-ldap-server-config'],
    update: ['update-ldap-server-config'],
    defaults: { enabled: false },
  });
  route('POST', 'enable-ldap-server', (args) =>
    ldap.write({
      enabled: true,
      ldapDomain: requireString(args, 'ldapDomain'),
      linkUrl: requireString(args, 'linkUrl'),
    }),
  );
  route('POST', 'disable-ldap-server', () => ldap.write({ enabled: false }));
  route('GET', 'get-ldap-server-random-pwd', () => newSecret());

  // ─── Email templates ────────────────────────────────────────────────────────────────────────────
  const templates = store.collections.of('emailTemplates');
  route('GET', 'get-email-templates', () => [...templates.values()]);
  route('POST', 'update-email-template', (args) => {
    const type = requireString(args, 'type');
    const row: Row = { customizeEnabled: false, ...(templates.get(type) ?? {}), ...definedOf(args), type };
    templates.set(type, row);
    store.changed();
    return row;
  });
  route('POST', 'preview-email-template', (args) => {
    requireString(args, 'type');
    const content = requireString(args, 'content');
    return { content, subject: optionalString(args, 'subject') ?? '', sender: optionalString(args, 'sender') ?? '' };
  });

  // ─── Whitelists ─────────────────────────────────────────────────────────────────────────────────
  const whitelists = store.collections.of('whitelists');
  const typeOf = (args: Args): string => {
    const type = requireString(args, 'type');
    if (!['USERNAME', 'EMAIL', 'PHONE'].includes(type))
      throw invalidArgument('Field type must be USERNAME, EMAIL or PHONE');
    return type;
  };
  const values = (args: Args): string[] => requireArray(args, 'list').map(String);
  const listOf = (key: string): string[] => (whitelists.get(key)?.list as string[] | undefined) ?? [];
  const edit = (key: string, change: (list: string[]) => string[]): { success: true } => {
    whitelists.set(key, { list: [...new Set(change(listOf(key)))] });
    store.changed();
    return { success: true };
  };
  const shown = (key: string, type: string): Row[] => listOf(key).map((value) => ({ value, type, createdAt: now() }));
  route('POST', 'add-whitelist', (args) => edit(typeOf(args), (l) => [...l, ...values(args)]));
  route('POST', 'delete-whitelist', (args) => edit(typeOf(args), (l) => l.filter((v) => !values(args).includes(v))));
  route('GET', 'list-whitelist', (args) => shown(typeOf(args), typeOf(args)));
  const appKey = (args: Args): string => {
    const appId = requireString(args, 'appId');
    if (!store.apps.has(appId)) throw notFound(`Application ${appId} does not exist`);
    return `${appId}\u0000${typeOf(args)}`;
  };
  route('POST', 'add-whitelist-of-app', (args) => edit(appKey(args), (l) => [...l, ...values(args)]));
  route('POST', 'delete-whitelist-of-app', (args) =>
    edit(appKey(args), (l) => l.filter((v) => !values(args).includes(v))),
  );
  route('GET', 'list-whitelist-of-app', (args) => shown(appKey(args), typeOf(args)));

  // ─── Access keys ────────────────────────────────────────────────────────────────────────────────
  const keys = store.collections.of('accessKeyInfo');
  const info = (id: string): Row => ({
    accessKeyId: id,
    enable: true,
    type: 'userpool',
    status: 'activated',
    createdAt: '',
    ...(keys.get(id) ?? {}),
  });
  route('POST', 'create-access-key', (args) => {
    const accessKeyId = newId();
    const accessKeySecret = newSecret();
    store.accessKeys.set(accessKeyId, accessKeySecret);
    keys.set(accessKeyId, {
      type: optionalString(args, 'type') ?? 'userpool',
      userId: optionalString(args, 'userId') ?? '',
      enable: true,
      createdAt: now(),
    });
    store.changed();
    return { ...info(accessKeyId), accessKeySecret };
  });
  route('GET', 'list-access-key', () => [...store.accessKeys.keys()].map(info));
  route('GET', 'get-access-key', (args) => {
    const id = requireString(args, 'accessKeyId');
    if (!store.accessKeys.has(id) && !keys.has(id)) throw notFound(`Access key ${id} does not exist`);
    return info(id);
  });
  const disabled = store.collections.of('disabledAccessKeys');
  route('POST', 'update-access-key', (args) => {
    const id = requireString(args, 'accessKeyId');
    const enable = optionalBoolean(args, 'enable');
    const secret = store.accessKeys.get(id) ?? (disabled.get(id)?.secret as string | undefined);
    if (!secret) throw notFound(`Access key ${id} does not exist`);
    if (enable === false) {
      disabled.set(id, { secret });
      store.accessKeys.delete(id);
    } else if (enable === true) {
      store.accessKeys.set(id, secret);
      disabled.delete(id);
    }
    keys.set(id, { ...(keys.get(id) ?? {}), enable: enable ?? true });
    store.changed();
    return { success: true };
  });
  route('POST', 'delete-access-key', (args) => {
    const id = requireString(args, 'accessKeyId');
    if (!store.accessKeys.has(id) && !disabled.has(id)) throw notFound(`Access key ${id} does not exist`);
    if (store.accessKeys.size === 1 && store.accessKeys.has(id))
      throw invalidArgument('The last access key cannot be deleted');
    store.accessKeys.delete(id);
    disabled.delete(id);
    keys.delete(id);
    store.changed();
    return { success: true };
  });
}

function definedOf(args: Args): Row {
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
}
