/**
 * The CBOR subset WebAuthn uses (RFC 8949): unsigned and negative integers, byte and text strings,
 * arrays, maps, and the simple values false, true and null. Maps decode to `Map` since COSE keys
 * are integers. Indefinite lengths, tags and floats are refused.
 */
export type CborValue = number | Buffer | string | boolean | null | CborValue[] | Map<CborValue, CborValue>;

const MAX_DEPTH = 16;

/** Decodes one CBOR item at `offset`; returns it and the offset after it. Throws on malformed input. */
export function decodeCbor(bytes: Buffer, offset = 0, depth = 0): [CborValue, number] {
  if (depth > MAX_DEPTH) throw new Error('CBOR nested too deeply');
  if (offset >= bytes.length) throw new Error('CBOR truncated');
  const initial = bytes[offset]!;
  const major = initial >> 5;
  const info = initial & 0x1f;
  let pos = offset + 1;
  let length: number;
  if (info < 24) length = info;
  else if (info === 24) length = bytes.readUInt8(pos++);
  else if (info === 25) [length, pos] = [bytes.readUInt16BE(pos), pos + 2];
  else if (info === 26) [length, pos] = [bytes.readUInt32BE(pos), pos + 4];
  else if (info === 27) [length, pos] = [Number(bytes.readBigUInt64BE(pos)), pos + 8];
  else throw new Error('CBOR indefinite lengths are not supported');
  switch (major) {
    case 0:
      return [length, pos];
    case 1:
      return [-1 - length, pos];
    case 2:
    case 3: {
      if (pos + length > bytes.length) throw new Error('CBOR truncated');
      const slice = bytes.subarray(pos, pos + length);
      return [major === 2 ? Buffer.from(slice) : slice.toString('utf8'), pos + length];
    }
    case 4: {
      const list: CborValue[] = [];
      for (let i = 0; i < length; i++) {
        const [item, next] = decodeCbor(bytes, pos, depth + 1);
        list.push(item);
        pos = next;
      }
      return [list, pos];
    }
    case 5: {
      const map = new Map<CborValue, CborValue>();
      for (let i = 0; i < length; i++) {
        const [key, afterKey] = decodeCbor(bytes, pos, depth + 1);
        const [value, afterValue] = decodeCbor(bytes, afterKey, depth + 1);
        map.set(key, value);
        pos = afterValue;
      }
      return [map, pos];
    }
    case 7:
      if (info === 20) return [false, pos];
      if (info === 21) return [true, pos];
      if (info === 22) return [null, pos];
      throw new Error('CBOR floats and other simple values are not supported');
    default:
      throw new Error('CBOR tags are not supported');
  }
}
