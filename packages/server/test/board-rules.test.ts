import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { effectiveRole } from '../src/domain/board-roles.js';
import { ValidationError } from '../src/domain/errors.js';
import { decodeCursor, encodeCursor } from '../src/domain/item-service.js';
import { ITEM_RULES } from '../src/domain/item-types.js';
import { ManualClock } from '../src/lib/clock.js';
import { memoryRateLimiter } from '../src/lib/rate-limit/memory-rate-limiter.js';
import { windowOf } from '../src/lib/rate-limit/rate-limiter.js';
import type { BoardView } from '../src/storage/repositories/boards.js';

const view = (member_role: BoardView['member_role'], team_access: string, team_member: boolean) =>
  ({ member_role, team_access, team_member }) as BoardView;

describe('effective board role', () => {
  it.each([
    [null, 'private', true, null],
    [null, 'view', true, 'viewer'],
    [null, 'edit', true, 'editor'],
    [null, 'edit', false, null],
    ['viewer', 'edit', true, 'editor'],
    ['coowner', 'view', true, 'coowner'],
    ['commenter', 'private', false, 'commenter'],
  ] as const)('member %s, team access %s, in team %s → %s', (member, access, inTeam, expected) => {
    expect(effectiveRole(view(member, access, inTeam))).toBe(expected);
  });
});

describe('item cursors', () => {
  it('round-trips every cursor it issues', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 }), fc.stringMatching(/^\d{19}$/), (createdAt, id) => {
        expect(decodeCursor(encodeCursor({ createdAt, id }))).toEqual({ createdAt, id });
      }),
    );
  });

  it('refuses anything else', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        let decoded: unknown;
        try {
          decoded = decodeCursor(value);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          return;
        }
        // Whatever is accepted is exactly what encodeCursor would have written.
        expect(encodeCursor(decoded as { createdAt: number; id: string })).toBe(value);
      }),
    );
  });
});

describe('sticky note geometry', () => {
  it('keeps each shape’s proportions and refuses width with height', () => {
    expect(ITEM_RULES.sticky_note.create({})).toMatchObject({ width: 199, height: 228 });
    expect(ITEM_RULES.sticky_note.create({ data: { shape: 'rectangle' } })).toMatchObject({ width: 350, height: 228 });
    expect(ITEM_RULES.sticky_note.create({ geometry: { height: 114 } })).toMatchObject({ width: 99.5, height: 114 });
    expect(() => ITEM_RULES.sticky_note.create({ geometry: { width: 10, height: 10 } })).toThrow(ValidationError);
  });
});

describe('fixed windows', () => {
  it('start at multiples of their length', () => {
    expect(windowOf(125_000, 60_000)).toEqual({ start: 120_000, resetAt: 180_000 });
    expect(windowOf(180_000, 60_000)).toEqual({ start: 180_000, resetAt: 240_000 });
  });

  it('spend only what fits, per key, and start again in the next window', async () => {
    const clock = new ManualClock(0);
    const limiter = memoryRateLimiter(clock);
    const policy = { limit: 100, windowMs: 1000 };
    expect(await limiter.consume('a', 60, policy)).toEqual({ allowed: true, limit: 100, remaining: 40, resetAt: 1000 });
    expect(await limiter.consume('a', 50, policy)).toEqual({
      allowed: false,
      limit: 100,
      remaining: 40,
      resetAt: 1000,
    });
    expect(await limiter.consume('a', 40, policy)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.consume('b', 100, policy)).toMatchObject({ allowed: true, remaining: 0 });
    clock.advance(1000);
    expect(await limiter.consume('a', 10, policy)).toEqual({ allowed: true, limit: 100, remaining: 90, resetAt: 2000 });
  });
});
