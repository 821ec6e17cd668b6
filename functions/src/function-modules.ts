// Every deployed function, by name: the module (relative to this folder) that defines it and exports
// it under that name. index.ts loads from here; a function is deployed once it is listed here.
// To add a function: define it in its handler (handlers/<name>.ts: `export const <name> =
// onRequest(RUNTIME_OPTIONS.<name>, ...)` or a trigger) and add its line below.
// test/unit/function-modules.test.ts fails if a handler exports a function missing here, or the reverse.
export const FUNCTION_MODULES = {
  chatMessage: './handlers/chatMessage.js',
  chatStream: './handlers/chatStream.js',
  matchUsers: './handlers/matchUsers.js',
  matchEvents: './handlers/matchEvents.js',
  suggestions: './handlers/suggestions.js',
  generateImage: './handlers/generateImage.js',
  editImage: './handlers/editImage.js',
  matchProfileSync: './handlers/matchProfileSync.js',
  matchEventSync: './handlers/matchEventSync.js',
  matchAttendanceSync: './handlers/matchEventSync.js',
  deleteConversation: './handlers/deleteConversation.js',
  deleteImage: './handlers/deleteImage.js',
  exportData: './handlers/exportData.js',
  deleteAccount: './handlers/deleteAccount.js',
  eraseDeletedAccount: './handlers/eraseDeletedAccount.js',
  health: './handlers/health.js',
} as const;

export type DeployedFunctionName = keyof typeof FUNCTION_MODULES;

export const DEPLOYED_FUNCTIONS = Object.keys(FUNCTION_MODULES) as DeployedFunctionName[];

function isDeployedFunction(name: string): name is DeployedFunctionName {
  return Object.hasOwn(FUNCTION_MODULES, name);
}

/**
 * The functions an instance loads: only FUNCTION_TARGET's when it names one of ours (a Cloud Run
 * instance, a Functions emulator worker), else all of them (deploy discovery sets none).
 */
export function functionsToLoad(target: string | undefined): DeployedFunctionName[] {
  return target !== undefined && isDeployedFunction(target) ? [target] : DEPLOYED_FUNCTIONS;
}
