export function databaseUrlFromEnv(defaultUrl?: string): string;
export function ensureDatabase(url: string, options?: { recreate?: boolean }): Promise<{ created: boolean }>;
