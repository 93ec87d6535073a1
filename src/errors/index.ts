export { ERROR_CATALOGUE, type ErrorCode, type ErrorSpec } from './catalogue.js';
export { KhienError, isKhienError, toKhienError } from './khien-error.js';
