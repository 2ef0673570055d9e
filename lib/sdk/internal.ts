/**
 * Helpers the Nest layer shares with the SDK. Not part of the public API: this module is not in
 * the package's `exports`, and may change in any release.
 *
 * @internal
 * @packageDocumentation
 */
export { tokenHash } from './tokens/token-hash.js';
export { describeValue, isHttpUrl, nonNegative, requireNonBlank, requireOneOf, requireString } from './checks.js';
