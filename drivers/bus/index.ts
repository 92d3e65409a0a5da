export * from './errors.js';
export * from './clock.js';
export * from './gpio.js';
export * from './i2c.js';
export * from './serial.js';
export * from './hid.js';
export * from './pcm.js';
