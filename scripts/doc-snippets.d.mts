/** Types of doc-snippets.mjs, for the test that runs its check. */
export declare const root: string;
export declare function documentationFiles(): string[];
export declare function typescriptBlocks(
  text: string,
): { line: number; include: string | undefined; code: string; start: number; end: number }[];
export declare function checkFile(path: string): string[];
