/** This package's version, sent in `x-authing-sdk-version` (a test keeps it equal to package.json). */
export const SDK_VERSION = '0.1.0';
export const SDK_NAME = 'nestjs-authing';
