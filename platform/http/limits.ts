/** Request limits of the HTTP API. */

/** headers (the request line included) Node accepts: larger than MAX_URL_LENGTH so the app itself refuses a long URL */
export const MAX_HEADER_BYTES = 64 * 1024;
/** the longest URL the API serves; longer ones get 414 URI_TOO_LONG as problem+json */
export const MAX_URL_LENGTH = 8 * 1024;
