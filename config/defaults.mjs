// The defaults that run Parcours on one machine with nothing to configure.
// Plain JavaScript, so that the npm scripts (which run before dependencies
// are installed) and the TypeScript processes (config/env.ts) share them.
export const DEFAULTS = Object.freeze({
  port: 3000,
  databaseUrl: 'postgresql://postgres@127.0.0.1:5432/parcours',
  temporalAddress: '127.0.0.1:7233',
  temporalPort: 7233,
  temporalUiPort: 8233,
  dataDir: '.data',
  mailDir: '.data/mail',
  mailFrom: 'Parcours <no-reply@parcours.localhost>',
});
