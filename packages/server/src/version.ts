/** The version the server reports in health and /openapi.json. */
export const SERVER_VERSION = '0.1.0';
