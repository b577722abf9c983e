/** The cache of this checkout's CLI bundle, under node_modules/.cache. */
export const defaultCache: string;
/** The current bundle's main module in `cache`, if no file it was made from is newer; else null. */
export function freshBundle(cache?: string): string | null;
/** Bundles the CLI into `cache` and makes it the current bundle; returns its main module's path. */
export function buildBundle(cache?: string): Promise<string>;
/** The CLI's main module: the bundle, built first if need be, or the TypeScript through tsx. */
export function loadMain(): Promise<{ main: (argv: string[]) => Promise<number> }>;
