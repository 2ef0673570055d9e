/**
 * Server-side check of a management request signature, recomputed only from what was received:
 * the `x-authing-*` and `date` headers, the decoded path, and the arguments as a server reads them
 * (the query for GET, `key[]` pairs as arrays of strings; the top-level JSON body fields otherwise).
 */
import { buildStringToSign, sign } from '../../../lib/sdk/signing/signature.js';
import type { RecordedRequest } from '../../support/recording-server.js';

const AUTHORIZATION = /^authing ([^:\s]+):(\S+)$/;

/** The arguments a server recomputes the signature over. */
export function receivedArgs(req: RecordedRequest): Record<string, unknown> {
  if (req.method === 'GET') {
    const args: Record<string, unknown> = {};
    for (const [rawKey, value] of req.query) {
      if (rawKey.endsWith('[]')) {
        const key = rawKey.slice(0, -2);
        const list = Array.isArray(args[key]) ? (args[key] as string[]) : [];
        list.push(value);
        args[key] = list;
      } else {
        args[rawKey] = value;
      }
    }
    return args;
  }
  if (req.body === '') return {};
  return JSON.parse(req.body) as Record<string, unknown>;
}

export interface SignatureCheck {
  accessKeyId: string | undefined;
  /** The signature in the `authorization` header. */
  given: string | undefined;
  /** The signature recomputed from the received request. */
  expected: string;
  valid: boolean;
  /**
   * Whether the header signature instead covers the path with a dangling `?`, the canonical form
   * the official SDK produces for a GET whose parameters are all undefined (see the wire test).
   */
  signedWithDanglingQuestionMark: boolean;
}

export function checkSignature(req: RecordedRequest, secret: string): SignatureCheck {
  const signedHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string' && (name === 'date' || name.startsWith('x-authing-'))) signedHeaders[name] = value;
  }
  const path = decodeURIComponent(req.path);
  const args = receivedArgs(req);
  const stringToSign = buildStringToSign(req.method, path, signedHeaders, args);
  const expected = sign(secret, stringToSign);
  const match = AUTHORIZATION.exec(String(req.headers.authorization ?? ''));
  const dangling = Object.keys(args).length === 0 && match?.[2] === sign(secret, `${stringToSign}?`);
  return {
    accessKeyId: match?.[1],
    given: match?.[2],
    expected,
    valid: match?.[2] === expected,
    signedWithDanglingQuestionMark: dangling,
  };
}
