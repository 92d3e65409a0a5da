import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { findBoard } from '../../boards/index.js';
import { installLayout, releaseId } from '../../scripts/deploy/install-layout.js';
import { TemplateError, renderTemplate, renderUnit, unitFields } from '../../scripts/deploy/unit-template.js';

const template = await readFile(new URL('../../deploy/deskphone.service', import.meta.url), 'utf8');

function layout() {
  const known = findBoard('rpi-wm8960');
  assert.ok(known);
  return installLayout(known.description);
}

/** key=value lines of one [section] of a unit file (comments dropped). */
function section(unit: string, name: string): Map<string, string> {
  const out = new Map<string, string>();
  let current = '';
  for (const line of unit.split('\n')) {
    const header = /^\[(\w+)\]$/.exec(line);
    if (header?.[1] !== undefined) current = header[1];
    else if (current === name && /^[A-Za-z]+=/.test(line)) {
      const eq = line.indexOf('=');
      out.set(line.slice(0, eq), line.slice(eq + 1));
    }
  }
  return out;
}

describe('deploy/deskphone.service rendered for rpi-wm8960', () => {
  const unit = renderUnit(template, layout());
  const service = section(unit, 'Service');

  it('fills every field', () => {
    assert.doesNotMatch(unit, /\{\{|\}\}/);
  });

  it('runs the current release with the board, config, data dir and UART console', () => {
    assert.equal(
      service.get('ExecStart'),
      '/usr/bin/node /opt/deskphone/current/bin/deskphone.js --board rpi-wm8960 --config /etc/deskphone/phone.cfg --data-dir /var/lib/deskphone --console serial:/dev/serial0',
    );
    assert.equal(service.get('WorkingDirectory'), '/opt/deskphone/current');
    assert.equal(service.get('StateDirectory'), 'deskphone');
  });

  it('is a notify service with a 30 s watchdog fed from a child process, restarted on failure', () => {
    assert.equal(service.get('Type'), 'notify');
    assert.equal(service.get('NotifyAccess'), 'all');
    assert.equal(service.get('WatchdogSec'), '30');
    assert.equal(service.get('Restart'), 'on-failure');
    assert.equal(service.get('RestartSec'), '2');
  });

  it('runs as deskphone with the hardware groups, hardened without hiding the devices', () => {
    assert.equal(service.get('User'), 'deskphone');
    assert.equal(service.get('SupplementaryGroups'), 'gpio i2c audio dialout');
    assert.equal(service.get('ProtectSystem'), 'full');
    assert.equal(service.get('ProtectHome'), 'yes');
    assert.equal(service.get('PrivateTmp'), 'yes');
    assert.equal(service.get('NoNewPrivileges'), 'yes');
    assert.equal(service.get('PrivateDevices'), undefined);
    assert.equal(service.get('ProtectKernelTunables'), undefined);
    assert.equal(section(unit, 'Install').get('WantedBy'), 'multi-user.target');
  });

  it('follows the layout it is given', () => {
    const other = renderUnit(template, { ...layout(), installDir: '/srv/phone', dataDir: '/var/lib/phone', console: 'none' });
    const s = section(other, 'Service');
    assert.match(s.get('ExecStart') ?? '', /^\/usr\/bin\/node \/srv\/phone\/current\/bin\/deskphone\.js .*--data-dir \/var\/lib\/phone --console none$/);
    assert.equal(s.get('StateDirectory'), 'phone');
  });

  it('refuses values a unit file would misread, and fields it does not know', () => {
    assert.throws(() => renderUnit(template, { ...layout(), installDir: '/opt/desk phone' }), TemplateError);
    assert.throws(() => renderUnit(template, { ...layout(), configFile: '/etc/100%.cfg' }), /cannot go into a unit file/);
    assert.throws(() => renderUnit(template, { ...layout(), dataDir: '/home/pi/data' }), /must be under \/var\/lib\//);
    assert.throws(() => renderTemplate('X={{NOPE}}', unitFields(layout())), /\{\{NOPE\}\}/);
  });
});

describe('release folder names', () => {
  it('carry the version and the UTC time, sortable', () => {
    assert.equal(releaseId('0.1.0', new Date(Date.UTC(2025, 5, 3, 14, 5, 9, 123))), '0.1.0-20250603T140509Z');
  });
});
