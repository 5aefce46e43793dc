import { loginCommand, logoutCommand } from './auth/login-command.js';
import { authKeysCommand, authRotateKeyCommand } from './auth-command.js';
import { authImportNacosCommand } from './auth-import-command.js';
import type { Command } from './command.js';
import { CONFIG_COMMANDS } from './config-command.js';
import { doctorCommand } from './doctor/index.js';
import { eventsCommand } from './events-command.js';
import { instanceDeregisterCommand, instanceListCommand, instanceRegisterCommand } from './instance-command.js';
import { serviceGetCommand, serviceListCommand } from './service-command.js';

/** Every command but `start`, in the order the overview lists them. */
export const COMMANDS: Command[] = [
  instanceRegisterCommand,
  instanceDeregisterCommand,
  instanceListCommand,
  serviceListCommand,
  serviceGetCommand,
  ...CONFIG_COMMANDS,
  eventsCommand,
  authKeysCommand,
  authRotateKeyCommand,
  authImportNacosCommand,
  doctorCommand(),
  loginCommand,
  logoutCommand,
];
