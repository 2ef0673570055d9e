/**
 * Why an end-user entry is not served: the first pattern matching its path gives the note shown on
 * the coverage page. Entries with no local meaning stay `apiCode 9404` rather than canned answers.
 */
export const AUTHENTICATION_NOT_SERVED: readonly [RegExp, string][] = [
  [/wechat|douyin|alipay/, 'needs the real WeChat, Douyin or Alipay servers: their session keys and access tokens'],
  [/fastpass/, 'Authing FastPass needs the Authing desktop client'],
  [/captcha/, 'a picture captcha has no use without a browser solving it; lockout is served instead'],
  [/public-accounts|switch-login/, 'public (shared) accounts are not modelled by the management side yet'],
  [
    /invitation-token|invitation-context|invite-code|join-by-invitation/,
    'policy invitations need roster delivery (email/SMS invitations) not modelled yet; universal invitation links are served',
  ],
  [
    /link-extidp-url/,
    'the link URL leads to a provider login the emulator cannot host; binding is served through the wechatMobile flow',
  ],
  [/subject\/person/, 'undocumented v2 listing; getAccessibleApps serves the same question'],
  [/webauthn\/admin/, 'administrator-side passkey enrolment for another user; the end-user passkey routes are served'],
  [
    /webauthn\/registration\/finalize/,
    'the SDK sends no credential with it, so there is nothing to verify; verifyRegister is served',
  ],
];

/** The note of an unserved end-user path, or undefined. */
export function notServedNote(path: string): string | undefined {
  return AUTHENTICATION_NOT_SERVED.find(([pattern]) => pattern.test(path))?.[1];
}
