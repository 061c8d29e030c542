export const DEFAULTS: Readonly<{
  port: number;
  databaseUrl: string;
  temporalAddress: string;
  temporalPort: number;
  temporalUiPort: number;
  dataDir: string;
  mailDir: string;
  mailFrom: string;
}>;
