import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { IPC_CHANNELS, isIpcChannel } from '../../../src/shared/ipc-contract';

describe('IPC channel map', () => {
  const entries = Object.entries(IPC_CHANNELS);

  it('has channels', () => {
    expect(entries.length).toBeGreaterThan(10);
  });

  it.each(entries)('%s is named domain:verb and has zod input and output schemas', (name, ch) => {
    expect(name).toMatch(/^[a-z]+:[a-z]+$/);
    expect(ch.input).toBeInstanceOf(z.ZodType);
    expect(ch.output).toBeInstanceOf(z.ZodType);
  });

  it.each(entries)('%s rejects fields it does not know', (_name, ch) => {
    expect(ch.input.safeParse({ surely_not_a_field: 1 }).success).toBe(false);
  });

  it('knows its own channels and nothing inherited', () => {
    expect(isIpcChannel('facts:get')).toBe(true);
    expect(isIpcChannel('toString')).toBe(false);
    expect(isIpcChannel('facts:nope')).toBe(false);
  });
});
