import { secretsEqual } from '../tokens.js';
import { requireObject, requireString } from '../validate.js';
import type { EndUserContext } from './context.js';
import { requireEnum } from './flows.js';

/**
 * `pre-check-code`: whether a code sent by `send-sms` / `send-email` is right, without using it up,
 * so a form can check it before the call that consumes it.
 */
export function registerPreCheckRoutes(ctx: EndUserContext): void {
  const { route, passcodes } = ctx;
  route('POST', 'pre-check-code', (args) => {
    const type = requireEnum(args, 'codeType', ['SMS', 'EMAIL'] as const);
    const payload = requireObject(args, type === 'SMS' ? 'smsCodePayload' : 'emailCodePayload');
    const target = requireString(payload, type === 'SMS' ? 'phone' : 'email');
    const passCode = requireString(payload, 'passCode');
    requireString(payload, 'channel');
    return { isValid: secretsEqual(passcodes.last(target), passCode) };
  });
}
