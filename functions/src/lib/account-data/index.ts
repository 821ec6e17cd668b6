// A user's data across the features: erasing all of it (deleteAccount, the Auth trigger) and
// exporting all of it (exportData). This is where chat, images and matching meet for the user's
// rights, as lib/assistant-tools is for the assistant: only handlers (and benches) import it.
export {
  eraseAccount,
  type ErasureCounts,
  type ErasureDeps,
  type ErasureOptions,
  type ErasureStep,
} from './erasure.js';
export { deleteAccount, type DeleteAccountDeps, type DeleteAccountResult } from './delete-account.js';
export { accountDataDeps, accountExportDeps } from './deps.js';
export { exportAccount, EXPORT_FORMAT, type ExportCounts, type ExportDeps, type ExportRequest } from './export.js';
