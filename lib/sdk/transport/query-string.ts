/**
 * Serialises query parameters the way the official SDKs' HTTP client does, so that the server sees
 * the same request: arrays as repeated `key[]=value`, dates as ISO strings, objects as JSON.
 */
export function toQueryString(query: Readonly<Record<string, unknown>> | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) {
        if (item === undefined || item === null) continue;
        parts.push(`${encode(`${key}[]`)}=${encode(scalar(item))}`);
      }
    } else {
      parts.push(`${encode(key)}=${encode(scalar(value))}`);
    }
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

function scalar(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function encode(text: string): string {
  return encodeURIComponent(text);
}
