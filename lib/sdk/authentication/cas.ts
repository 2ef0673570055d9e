import type { AuthingResponse } from '../envelope.js';
import { requireString } from '../checks.js';
import { AuthingArgumentError } from '../errors.js';
import { httpError, parseJson, type TransportResponse } from '../transport/http-transport.js';
import { appHeaders, type ClientCore } from './client-core.js';

/** A CAS 1.0 validation result. */
export interface CasV1Result {
  valid: boolean;
  user?: string;
}

/** CAS 1.0 ticket validation: the server answers `yes\n<user>` or `no`. */
export async function validateTicketV1(
  core: ClientCore,
  ticket: string,
  service: string,
): Promise<AuthingResponse<CasV1Result>> {
  requireString(ticket, 'ticket');
  requireString(service, 'service');
  const { response } = await casGet(core, 'validate', { service, ticket });
  const [verdict, user] = response.text.split('\n');
  const valid = verdict === 'yes';
  return {
    statusCode: 200,
    message: valid ? 'OK' : 'invalid ticket',
    data: valid ? { valid, user: user?.trim() || undefined } : { valid },
  };
}

/** CAS 2.0 ticket validation; `data` is the parsed JSON answer, or the XML text. */
export async function validateTicketV2(
  core: ClientCore,
  ticket: string,
  service: string,
  format: 'JSON' | 'XML',
): Promise<AuthingResponse<unknown>> {
  requireString(ticket, 'ticket');
  requireString(service, 'service');
  if (format !== 'JSON' && format !== 'XML') throw new AuthingArgumentError('format', 'must be JSON or XML');
  const { response, url } = await casGet(core, 'serviceValidate', { service, ticket, format });
  if (format === 'XML') return { statusCode: 200, message: 'OK', data: response.text };
  const parsed = parseJson(response.text);
  if (!parsed.ok) throw httpError('GET', url, response, 'the body is not JSON', 'not_json');
  return { statusCode: 200, message: 'OK', data: parsed.value };
}

/** A CAS validation request; anything but a 200 is not a CAS answer. */
async function casGet(
  core: ClientCore,
  endpoint: 'validate' | 'serviceValidate',
  query: Record<string, string>,
): Promise<{ response: TransportResponse; url: string }> {
  const path = `/cas-idp/${encodeURIComponent(core.appId)}/${endpoint}`;
  const response = await core.transport.send({ method: 'GET', path, query, headers: appHeaders(core) });
  const url = core.appHost + path;
  if (response.status !== 200) throw httpError('GET', url, response, 'CAS validation failed', 'unexpected_status');
  return { response, url };
}
