/** The phone's directory: call history and local phonebook, with CSV and Yealink XML import. */
export {
  CALL_DIRECTIONS,
  CALL_HISTORY_FILE,
  CallHistory,
  DEFAULT_LIST_CAPACITY,
  readCallEntry,
  type CallDirection,
  type CallHistoryEntry,
  type CallHistoryOptions,
} from './call-history.js';
export { checkContact, NUMBER_LABELS, type Contact, type ContactInput, type ContactNumber, type NumberLabel } from './contact.js';
export { readCsvPhonebook } from './csv-phonebook.js';
export { describeImport, type ImportReport, type ImportSkip, type ParsedPhonebook } from './import-report.js';
export { dialableForm, numberMatchStrength, numberOfUri } from './phone-number.js';
export {
  DEFAULT_MAX_CONTACTS,
  PHONEBOOK_FILE,
  Phonebook,
  type CallerMatch,
  type ContactEdit,
  type ImportOptions,
  type PhonebookOptions,
} from './phonebook.js';
export { readYealinkXmlPhonebook } from './yealink-xml-phonebook.js';
