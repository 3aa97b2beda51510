// The animated scene: one p5 sketch (instance mode) that draws the moving parts of the chosen
// place and the music in it, above the still picture (still.js). Loaded on its own
// (ui/scene/index.js fetches it a moment after the first note).
//
// Cheap to leave on, by design:
// - The still parts (sky, walls, bricks, hills) are painted once per size, at the display's
//   resolution, on a canvas of their own underneath (still.js). Only the moving parts are drawn
//   anew, on p5's transparent canvas, in batched paths straight on its context, at under half a
//   pixel a CSS pixel (MOVING_RATIO: about today's 512 pixels a side on a laptop; soft light, rain
//   and flames in motion do not need more, and a canvas's cost on every frame, cleared, drawn and
//   composited, grows with its pixels; measured with bench/scene_cpu.py). That canvas covers
//   only the part of the picture where things move, when a scene says where (its area: the fire
//   and its glow, the window's glass, the creek below the reeds' tops): fewer pixels to clear,
//   draw and composite on every frame.
// - A few frames a second: PLAYING_FPS while music plays, FOCUS_FPS in focus mode (nothing to read
//   then, the picture is meant to be looked at for hours, not watched), none while the tab is
//   hidden or nothing plays: the last frame stays as a still picture. The frames come from a
//   timer, never from an animation-frame loop.
//
// Only p5's core plus the add-ons drawing needs are bundled: the full p5 build also pulls in its
// translation loader, which fetches from a CDN for some browser languages (no third-party
// requests here). Shapes need math (p5.Vector) and accessibility (describe() bookkeeping).

import p5 from 'p5/core';
import math from 'p5/math';
import color from 'p5/color';
import shape from 'p5/shape';
import accessibility from 'p5/accessibility';

import { MOVING_RATIO, createPicture, drawFrame } from './still.js';
import { createMusicLights } from './notes.js';

for (const addon of [math, color, shape, accessibility]) p5.registerAddon(addon);

export const PLAYING_FPS = 12;
export const FOCUS_FPS = 6;

// p5 2.x shows a spinner while setup() runs and injects a <style> element for its keyframes,
// which a strict Content-Security-Policy (style-src 'self') blocks with a console error. p5 skips
// the injection when an element with this id exists; the keyframes live in scene.css instead.
function preventInlineLoadingStyle() {
  if (document.getElementById('p5-loading-style')) return;
  const placeholder = document.createElement('meta');
  placeholder.id = 'p5-loading-style';
  placeholder.name = 'p5-loading-style';
  placeholder.content = 'keyframes provided by assets/scene.css';
  document.head.append(placeholder);
}

// still: index.js's {picture, frame} when the still picture has loaded (its canvases are reused:
// the picture underneath, the frame removed once p5 has drawn), or null.
export function createStage(container, still) {
  preventInlineLoadingStyle();
  const motionQuery = window.matchMedia?.('(prefers-reduced-motion: reduce)');
  const reducedMotion = () => Boolean(motionQuery?.matches);
  const focused = () => document.body.classList.contains('focus-mode');
  const hidden = () => document.visibilityState === 'hidden';
  const music = createMusicLights({ reducedMotion });
  const picture = still?.picture ?? createPicture(container);
  let stillFrame = still?.frame ?? null;
  let background = 'night';
  let moving = false;
  let seconds = 0; // the scene's own clock: it runs only while the music does
  let instance = null;
  let ready = false;
  let fps = PLAYING_FPS;

  // The moving canvas's part of the picture, in the picture's units.
  function movingArea() {
    const { w, h } = picture.size;
    const area = picture.scene.area?.(picture.layout);
    if (!area) return { x: 0, y: 0, w, h };
    const x = Math.max(0, Math.floor(area.x));
    const y = Math.max(0, Math.floor(area.y));
    return { x, y, w: Math.min(w, Math.ceil(area.x + area.w)) - x, h: Math.min(h, Math.ceil(area.y + area.h)) - y };
  }

  // Its size in device pixels, and its place over the picture (scene.css reads the variables).
  function placeCanvas(p) {
    const size = picture.size;
    const area = movingArea();
    const unit = (size.width / size.w) * MOVING_RATIO;
    const width = Math.max(1, Math.round(area.w * unit));
    const height = Math.max(1, Math.round(area.h * unit));
    if (width !== p.width || height !== p.height) p.resizeCanvas(width, height, true);
    const style = p.canvas.style;
    style.setProperty('--area-left', `${(100 * area.x) / size.w}%`);
    style.setProperty('--area-top', `${(100 * area.y) / size.h}%`);
    style.setProperty('--area-width', `${(100 * area.w) / size.w}%`);
    style.setProperty('--area-height', `${(100 * area.h) / size.h}%`);
    return area;
  }
  let area = null;

  // Frames come from a timer of the scene's own, not p5's loop: p5 asks the browser for an
  // animation frame at every vsync (60 a second) and skips the ones its frame rate does not want,
  // and each of those wakes the page and its compositor for nothing. A still picture is redrawn
  // once when it changes.
  let timer = null;
  let last = 0; // performance.now() at the last timed frame
  let elapsed = 0; // seconds since the timed frame before, for the next draw to take (0: a redraw)
  function tick() {
    const now = performance.now();
    elapsed = Math.min(0.25, (now - last) / 1000);
    last = now;
    timer = setTimeout(tick, 1000 / fps);
    instance.redraw(); // p5 draws after a microtask or two: draw() takes `elapsed` then
  }
  function updateLoop() {
    if (!ready) return;
    const run = moving && !hidden() && (!reducedMotion() || music.active);
    fps = focused() ? FOCUS_FPS : PLAYING_FPS;
    if (run && timer === null) {
      last = performance.now();
      timer = setTimeout(tick, 1000 / fps);
    } else if (!run && timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    container.dataset.fps = run ? String(fps) : '0';
  }

  // Repaints the picture (when the place or the size changed) and fits p5's canvas to it.
  function refresh() {
    if (!ready) return;
    picture.paint(background);
    area = placeCanvas(instance);
    if (timer === null) instance.redraw();
  }

  instance = new p5((p) => {
    p.setup = () => {
      p.pixelDensity(1);
      picture.paint(background);
      const canvas = p.createCanvas(1, 1);
      canvas.elt.classList.add('scene-canvas', 'scene-moving');
      canvas.elt.setAttribute('aria-hidden', 'true');
      p.noLoop();
      area = placeCanvas(p);
      ready = true;
      updateLoop();
    };

    p.draw = () => {
      const dt = elapsed;
      elapsed = 0;
      if (moving && !reducedMotion()) seconds += dt;
      const ctx = p.drawingContext;
      const sx = p.width / area.w;
      const sy = p.height / area.h;
      ctx.save();
      ctx.setTransform(sx, 0, 0, sy, -area.x * sx, -area.y * sy);
      drawFrame(ctx, area, picture.scene, picture.layout, seconds, music, dt);
      ctx.restore();
      // Once: a data attribute set on every frame would have the page recheck its style each time.
      if (container.dataset.animated !== 'true') {
        container.dataset.drawn = 'true';
        container.dataset.animated = 'true';
      }
      if (stillFrame) {
        stillFrame.remove();
        stillFrame = null;
      }
      container.framesDrawn = (container.framesDrawn ?? 0) + 1; // for the tests: a property, no style work
      if (timer !== null && reducedMotion() && !music.active) updateLoop();
    };

    p.windowResized = refresh;
  }, container);

  motionQuery?.addEventListener?.('change', updateLoop);
  document.addEventListener('visibilitychange', updateLoop);
  // Focus mode is a class on the body (ui/focus.js): a slower frame rate while it is on.
  new MutationObserver(updateLoop).observe(document.body, { attributes: true, attributeFilter: ['class'] });

  return {
    setAmbience(id, chosen) {
      background = chosen || 'night';
      refresh();
    },
    setMoving(value) {
      moving = Boolean(value);
      updateLoop();
    },
    note(midis, velocity, part) {
      music.note(midis, velocity, part);
      updateLoop();
    },
    drum(kind, velocity) {
      music.drum(kind, velocity);
      updateLoop();
    },
  };
}
