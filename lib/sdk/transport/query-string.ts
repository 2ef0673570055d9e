/**
 * Serialises query parameters the way the official SDKs' HTTP client does, so that the server sees
 * the same request: arrays as repeated `key[]=value`, dates as ISO strings, objects as JSON.
 */
export function toQueryString(query: Readonly<Record<string, unknown>> | undefined): string {
  const wire = wireQuery(query);
  if (!wire) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(wire)) {
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) parts.push(`${encode(`${key}[]`)}=${encode(scalar(item))}`);
    } else {
      parts.push(`${encode(key)}=${encode(scalar(value))}`);
    }
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/**
 * The parameters exactly as they travel: no `undefined` or `null` values or array items, no empty
 * arrays (nothing of them reaches the wire), dates as ISO strings. A signature must cover this, not
 * the caller's object, or the server could not recompute it from what it received.
 */
export function wireQuery(query: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | undefined {
  if (!query) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      const items = (value as unknown[])
        .filter((item) => item !== undefined && item !== null)
        .map((item) => (item instanceof Date ? item.toISOString() : item));
      if (items.length > 0) out[key] = items;
    } else {
      out[key] = value instanceof Date ? value.toISOString() : value;
    }
  }
  return out;
}

function scalar(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function encode(text: string): string {
  return encodeURIComponent(text);
}

/** `key=value&…` of string parameters, undefined ones skipped, in insertion order (no leading `?`). */
export function encodeQuery(params: Readonly<Record<string, string | undefined>>): string {
  return toQueryString(params).slice(1);
}

/** Form encoding (`application/x-www-form-urlencoded`) for token-endpoint bodies, undefined fields dropped. */
export function encodeForm(fields: Readonly<Record<string, string | undefined>>): string {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.append(k, v);
  return form.toString();
}
