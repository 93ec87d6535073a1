export { loadConfig, type ConfigSources } from './load-config.js';
export { SETTINGS, envName, flagName, type Config, type SettingName } from './settings.js';
export { hidePasswords } from './redact.js';
