import { invalidArgument, notFound } from '../http.js';
import { now } from '../store.js';
import type { Row } from '../store/collections.js';
import { optionalString, paginate, pagination, requireArray, requireString, type Args } from '../validate.js';
import type { FamilyContext } from '../api/registry.js';

const TARGET_TYPES = ['USER', 'ROLE', 'GROUP', 'DEPARTMENT'];
const DATA_TYPES = ['STRING', 'NUMBER', 'DATETIME', 'BOOLEAN', 'OBJECT', 'ENUM'];

/**
 * Custom field definitions and the custom data of users, roles, groups and departments. Data set
 * here is what `get-user … withCustomData` and friends answer, and values are checked against the
 * field's data type.
 */
export function registerCustomFields(ctx: FamilyContext): void {
  const { store, route } = ctx;
  const fields = store.collections.of('customFields');
  const fieldKey = (targetType: string, key: string): string => `${targetType}\u0000${key}`;

  const targetTypeOf = (args: Args, field = 'targetType'): string => {
    const type = requireString(args, field);
    if (!TARGET_TYPES.includes(type)) throw invalidArgument(`Field ${field} must be one of ${TARGET_TYPES.join(', ')}`);
    return type;
  };
  const fieldsOf = (args: Args): Row[] => {
    const type = optionalString(args, 'targetType');
    return [...fields.values()].filter((f) => !type || f.targetType === type);
  };

  route('POST', 'set-custom-fields', (args) => {
    const items = requireArray(args, 'list').map((raw, i) => {
      if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Field list[${i}] must be an object`);
      const item = raw as Args;
      const targetType = targetTypeOf(item);
      const key = requireString(item, 'key');
      const dataType = optionalString(item, 'dataType') ?? fields.get(fieldKey(targetType, key))?.dataType ?? 'STRING';
      if (!DATA_TYPES.includes(String(dataType)))
        throw invalidArgument(`Field list[${i}].dataType must be one of ${DATA_TYPES.join(', ')}`);
      return { ...item, targetType, key, dataType };
    });
    const out = items.map((item) => {
      const id = fieldKey(item.targetType, item.key);
      const row: Row = {
        label: item.key,
        description: '',
        encrypted: false,
        userEditable: true,
        visibleInAdminConsole: true,
        visibleInUserCenter: true,
        createdAt: now(),
        ...(fields.get(id) ?? {}),
        ...item,
      };
      fields.set(id, row);
      return row;
    });
    store.changed();
    return out;
  });
  route('GET', 'get-custom-fields', (args) => {
    targetTypeOf(args);
    return fieldsOf(args);
  });
  route('GET', 'list-custom-fields', (args) => {
    const { page, limit } = pagination(args);
    const keyword = optionalString(args, 'keyword')?.toLowerCase();
    const dataType = optionalString(args, 'dataType');
    const list = fieldsOf(args).filter(
      (f) =>
        (!dataType || f.dataType === dataType) &&
        (!keyword || String(f.key).toLowerCase().includes(keyword) || String(f.label).toLowerCase().includes(keyword)),
    );
    return paginate(list, page, limit);
  });
  route('POST', 'delete-custom-fields', (args) => {
    for (const [i, raw] of requireArray(args, 'list').entries()) {
      if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Field list[${i}] must be an object`);
      fields.delete(fieldKey(targetTypeOf(raw as Args), requireString(raw as Args, 'key')));
    }
    store.changed();
    return { success: true };
  });

  /** The custom data object of a target, created on first write. */
  const dataOf = (args: Args): Record<string, unknown> => {
    const type = targetTypeOf(args);
    const id = requireString(args, 'targetIdentifier');
    switch (type) {
      case 'USER':
        return store.requireUser(id).customData;
      case 'GROUP':
        return store.requireGroup(id).customData;
      case 'DEPARTMENT': {
        const department = store.collections.of('departments').get(id);
        if (!department) throw notFound(`Department ${id} does not exist`);
        department.customData ??= {};
        return department.customData as Record<string, unknown>;
      }
      default: {
        const role = store.requireRole(id, optionalString(args, 'namespace'));
        const rows = store.collections.of('roleCustomData');
        const key = `${role.namespace}\u0000${role.code}`;
        if (!rows.has(key)) rows.set(key, {});
        return rows.get(key)!;
      }
    }
  };
  const checkValue = (type: string, key: string, value: unknown): void => {
    const field = fields.get(fieldKey(type, key));
    const ok: Record<string, (v: unknown) => boolean> = {
      NUMBER: (v) => typeof v === 'number' || (typeof v === 'string' && v !== '' && !Number.isNaN(Number(v))),
      BOOLEAN: (v) => typeof v === 'boolean' || v === 'true' || v === 'false',
      DATETIME: (v) => !Number.isNaN(Date.parse(String(v))),
    };
    const check = field ? ok[String(field.dataType)] : undefined;
    if (check && value !== null && !check(value))
      throw invalidArgument(`Custom field ${key} takes a ${String(field!.dataType)}`);
  };
  route('POST', 'set-custom-data', (args) => {
    const type = targetTypeOf(args);
    const data = dataOf(args);
    const items = requireArray(args, 'list').map((raw, i) => {
      if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Field list[${i}] must be an object`);
      const key = requireString(raw as Args, 'key');
      checkValue(type, key, (raw as Args).value);
      return [key, (raw as Args).value] as const;
    });
    for (const [key, value] of items) data[key] = value;
    store.changed();
    return { success: true };
  });
  route('GET', 'get-custom-data', (args) => ({ ...dataOf(args) }));

  // The user base fields (email, phone…): their labels and visibility are settings.
  const baseFields = store.collections.of('userBaseFields');
  const baseList = (): Row[] =>
    ['username', 'email', 'phone', 'name', 'nickname', 'gender', 'birthdate', 'photo'].map((key) => ({
      targetType: 'USER',
      dataType: key === 'birthdate' ? 'DATETIME' : 'STRING',
      key,
      label: key,
      userEditable: true,
      visibleInAdminConsole: true,
      visibleInUserCenter: true,
      ...(baseFields.get(key) ?? {}),
    }));
  route('GET', 'get-user-base-fields', () => baseList());
  route('GET', 'list-user-base-fields', (args) => {
    const { page, limit } = pagination(args);
    return paginate(baseList(), page, limit);
  });
  route('POST', 'set-user-base-fields', (args) => {
    for (const [i, raw] of requireArray(args, 'list').entries()) {
      if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Field list[${i}] must be an object`);
      const key = requireString(raw as Args, 'key');
      baseFields.set(key, { ...(baseFields.get(key) ?? {}), ...(raw as Args) });
    }
    store.changed();
    return baseList();
  });
}
