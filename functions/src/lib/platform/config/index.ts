// Deploy-time configuration through firebase-functions params.
//
// Params are DECLARED at module load (deploy discovery collects them) but their values are read only
// inside getConfig()/readSecret(), i.e. per request: `.value()` at load time would run during deploy
// discovery, where values do not exist yet.
//
// At runtime a param's `.value()` is just `process.env[NAME]`; the CLI applies a param's default when it
// deploys or emulates, but code mounted in-process (tests, scripts) gets no such help. So each setting
// carries its default and falls back to it when the variable is unset, so both paths agree.
//
// Split by concern: secrets.ts (secrets), settings.ts (every param, getConfig and AppConfig),
// setting-kinds.ts and setting-values.ts (how text becomes a bounded value), gemini-access.ts (which
// Gemini backend, checked per request), text-access.ts (which backend serves chat and explanations).
export * from './secrets.js';
export * from './settings.js';
export * from './setting-values.js';
export * from './gemini-access.js';
export * from './text-access.js';
