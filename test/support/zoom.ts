/**
 * The digital-zoom gestures of wp-zoom-view, driven with real input in Chromium, for the e2e tests of the live
 * views (wall-layouts) and the recorded players (review-zoom): wheel around the pointer, drag, reset, double
 * click, and a two-finger pinch through the DevTools protocol.
 */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

export interface ZoomMatrix {
  /** translate(e px, f px) scale(a) */
  e: number;
  f: number;
  a: number;
}
type Box = { x: number; y: number; width: number; height: number };

const near = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol;

/** A reader of the zoom stage's transform. */
export function zoomMatrix(stage: Locator): () => Promise<ZoomMatrix> {
  return async () => {
    const style = (await stage.getAttribute('style')) ?? '';
    const m = /translate\((-?[\d.e-]+)px, (-?[\d.e-]+)px\) scale\(([\d.e-]+)\)/.exec(style);
    if (!m) throw new Error(`no transform in ${style}`);
    return { e: Number(m[1]), f: Number(m[2]), a: Number(m[3]) };
  };
}

/** Wheel up at a quarter of the view: it zooms in, the point under the pointer stays put, the level is shown. */
export async function wheelAroundPointer(page: Page, box: Box, matrix: () => Promise<ZoomMatrix>): Promise<ZoomMatrix> {
  const px = box.width * 0.25;
  const py = box.height * 0.25;
  await page.mouse.move(box.x + px, box.y + py);
  await page.mouse.wheel(0, -400);
  await expect.poll(async () => (await matrix()).a).toBeGreaterThan(1.5);
  const m = await matrix();
  expect(m.a).toBeLessThanOrEqual(8);
  // px = tx + px·s
  expect(near(m.e + px * m.a, px, 1)).toBe(true);
  expect(near(m.f + py * m.a, py, 1)).toBe(true);
  expect(await page.locator('[data-testid="zoom-level"]').textContent()).toContain(`${m.a.toFixed(1)}×`);
  return m;
}

/** While zoomed: a drag of (dx, dy) pans by as much, at the same scale; the reset button and a double click return to 1×. */
export async function dragResetDoubleClick(page: Page, box: Box, matrix: () => Promise<ZoomMatrix>, dx: number, dy: number): Promise<void> {
  const m = await matrix();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + dx, box.y + box.height / 2 + dy, { steps: 5 });
  await page.mouse.up();
  const m2 = await matrix();
  expect(near(m2.e - m.e, dx, 1), `${m.e} → ${m2.e}`).toBe(true);
  expect(near(m2.f - m.f, dy, 1), `${m.f} → ${m2.f}`).toBe(true);
  expect(m2.a).toBe(m.a);
  await page.locator('[data-testid="zoom-reset"]').click();
  await expect.poll(async () => (await matrix()).a).toBe(1);
  expect((await matrix()).e).toBe(0);
  expect(await page.locator('[data-testid="zoom-level"]').count()).toBe(0);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -300);
  await expect.poll(async () => (await matrix()).a).toBeGreaterThan(1);
  await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
  await expect.poll(async () => (await matrix()).a).toBe(1);
}

/** Two fingers spreading from the view's centre (real touch input through the DevTools protocol) zoom in; reset. */
export async function pinchThenReset(page: Page, box: Box, matrix: () => Promise<ZoomMatrix>): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', d: number) =>
    cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x: cx - d, y: cy, id: 1 }, { x: cx + d, y: cy, id: 2 }] });
  await touch('touchStart', 40);
  for (const d of [60, 80, 100, 120]) await touch('touchMove', d);
  await touch('touchEnd', 0);
  await expect.poll(async () => (await matrix()).a).toBeGreaterThan(2.5);
  await page.locator('[data-testid="zoom-reset"]').click();
  await expect.poll(async () => (await matrix()).a).toBe(1);
  await cdp.detach();
}
