import { describe, expect, it } from 'vitest';
import { COMMAND_ARGS } from '../../src-main/shared/command-schemas.js';
import { COMMAND_NAMES, mapCommands, type CommandName } from '../../src-main/shared/contract.js';
import { ok } from '../../src-main/shared/result.js';

describe('mapCommands', () => {
  it('builds one handler per command, each made for its own name', async () => {
    const made: CommandName[] = [];
    const handlers = mapCommands((name) => {
      made.push(name);
      return async () => ok(name as never);
    });
    expect(made).toEqual([...COMMAND_NAMES]);
    expect(Object.keys(handlers).sort()).toEqual([...COMMAND_NAMES].sort());
    expect(await handlers.getEvents({})).toEqual(ok('getEvents'));
    expect(await handlers.switchTo({ accountId: null })).toEqual(ok('switchTo'));
  });
});

describe('command argument schemas', () => {
  it('has a schema for every command', () => {
    expect(Object.keys(COMMAND_ARGS).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it('takes an account id or null for switchTo, and nothing else', () => {
    expect(COMMAND_ARGS.switchTo.safeParse({ accountId: 'a' }).success).toBe(true);
    expect(COMMAND_ARGS.switchTo.safeParse({ accountId: null }).success).toBe(true);
    expect(COMMAND_ARGS.switchTo.safeParse({}).success).toBe(false);
    expect(COMMAND_ARGS.switchTo.safeParse({ accountId: '' }).success).toBe(false);
    expect(COMMAND_ARGS.switchTo.safeParse({ accountId: 'a', extra: 1 }).success).toBe(false);
  });
});
