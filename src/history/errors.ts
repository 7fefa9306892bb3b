export { HistoryError, isHistoryError, type HistoryErrorCode } from '../store/errors';
