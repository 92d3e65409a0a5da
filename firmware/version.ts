/**
 * The firmware version: shown on the status screen and web UI, and sent in
 * User-Agent. Kept equal to package.json's by test/phone/version.test.ts.
 */
export const FIRMWARE_VERSION = '0.1.0';

export const USER_AGENT = `deskphone/${FIRMWARE_VERSION}`;
