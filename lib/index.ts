export * from './sdk/index.js';
export * from './nest/index.js';
