import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FIRMWARE_VERSION, USER_AGENT } from '../../firmware/version.js';
import { REPO_ROOT } from '../helpers/phone-process.js';

describe('firmware version', () => {
  it('is the package version, and the User-Agent carries it', () => {
    const pkg = JSON.parse(readFileSync(`${REPO_ROOT}/package.json`, 'utf8')) as { version: string };
    assert.equal(FIRMWARE_VERSION, pkg.version);
    assert.equal(USER_AGENT, `deskphone/${pkg.version}`);
  });
});
