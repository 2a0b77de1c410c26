// commander, loaded through require: imported as an ES module, node translates its CommonJS
// (parsing it for named exports), which made the CLI's start 3-5 ms longer (8-12 ms against
// 11-16 ms here). Every module of the CLI takes commander from here.
import { createRequire } from 'node:module';
import type * as Commander from 'commander';

const commander = createRequire(import.meta.url)('commander') as typeof Commander;

export const { Command, CommanderError, InvalidArgumentError, Option } = commander;
export type Command = Commander.Command;
