/** The version the CLI and the server report. */
export const CLI_VERSION = '0.1.0';
