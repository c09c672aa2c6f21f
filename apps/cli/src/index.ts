// The command line's door: its parser and commands, run against an open database.
export { HELP, parseArgs, run, UsageError } from './main';
