import { expect, test } from 'vitest';
import { backoff } from './backoff';

test('grows from 0.5 s and is capped at 15 s', () => {
  const mid = (n: number) => backoff(n, { rand: () => 0.5 });
  expect([0, 1, 2, 3, 4, 5, 6, 10, 100].map(mid)).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000, 15000]);
});

test('jitter stays within ±25% and never beyond the bounds', () => {
  expect(backoff(0, { rand: () => 0 })).toBe(375);
  expect(backoff(0, { rand: () => 0.999999 })).toBe(625);
  expect(backoff(3, { rand: () => 0 })).toBe(3000);
  expect(backoff(3, { rand: () => 0.999999 })).toBe(5000);
  for (let i = 0; i < 1000; i++) {
    const n = i % 12;
    const d = backoff(n);
    expect(d).toBeGreaterThanOrEqual(250);
    expect(d).toBeLessThanOrEqual(15000);
  }
  expect(backoff(-5, { rand: () => 0.5 })).toBe(500);
  expect(backoff(2, { base: 100, max: 300, rand: () => 0.5 })).toBe(300);
});

test('different browsers spread out', () => {
  const seen = new Set<number>();
  for (let i = 0; i < 50; i++) seen.add(backoff(4));
  expect(seen.size).toBeGreaterThan(10);
});
