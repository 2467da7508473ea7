/** The SDK version, sent in User-Agent on Node and reported by the local client's health. */
export const SDK_VERSION = '0.1.0';
