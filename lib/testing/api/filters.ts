import { invalidArgument } from '../http.js';

/** Orders two DTO values: numbers numerically, others as strings; missing values last. */
export function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

export function matchFilter(dto: Record<string, unknown>, field: string, operator: string, value: unknown): boolean {
  const actual = field in dto ? dto[field] : (dto.customData as Record<string, unknown> | undefined)?.[field];
  switch (operator) {
    case 'EQUAL':
      return actual === value || String(actual) === String(value);
    case 'NOT_EQUAL':
      return String(actual) !== String(value);
    case 'CONTAINS':
      return actual !== undefined && String(actual).toLowerCase().includes(String(value).toLowerCase());
    case 'NOT_CONTAINS':
      return actual === undefined || !String(actual).toLowerCase().includes(String(value).toLowerCase());
    case 'IS_NULL':
      return actual === undefined || actual === null;
    case 'NOT_NULL':
      return actual !== undefined && actual !== null;
    case 'IN':
      if (!Array.isArray(value)) throw invalidArgument('advancedFilter IN needs an array value');
      return value.some((v) => String(v) === String(actual));
    case 'GREATER':
      return compare(actual, value) > 0 && actual !== undefined;
    case 'LESSER':
      return compare(actual, value) < 0 && actual !== undefined;
    default:
      throw invalidArgument(`advancedFilter operator ${operator} is not supported by the emulator`);
  }
}
