// The animated scene: one p5 sketch (instance mode) that paints the chosen ambience's picture full
// screen and the music in it. Loaded on its own (ui/scene/index.js fetches it at the first note).
//
// Light by design: the still parts of each picture (sky, walls, bricks, hills) are painted once per
// size with p5 into a canvas of their own underneath; only the moving parts are drawn anew, 30 times
// a second, on p5's transparent canvas above it, in batched paths straight on its context. Both
// canvases have at most MAX_SIDE pixels a side (pixel density 1) and CSS stretches them to the
// viewport. It moves only while music plays: otherwise p5's loop is off and the last frame stays
// as a still picture.
//
// Only p5's core plus the add-ons drawing needs are bundled: the full p5 build also pulls in its
// translation loader, which fetches from a CDN for some browser languages (no third-party
// requests here). Shapes need math (p5.Vector) and accessibility (describe() bookkeeping).

import p5 from 'p5/core';
import math from 'p5/math';
import color from 'p5/color';
import shape from 'p5/shape';
import accessibility from 'p5/accessibility';

import rain from './rain.js';
import fire from './fire.js';
import wind from './wind.js';
import creek from './creek.js';
import night from './night.js';
import { createMusicLights } from './notes.js';

for (const addon of [math, color, shape, accessibility]) p5.registerAddon(addon);

// An ambience's background (media.json) -> its picture. Vinyl has no picture of its own: the night.
const SCENES = { rain, fire, wind, water: creek, night, vinyl: night };
const FPS = 30;
const MAX_SIDE = 512; // pixels on the canvas's longer side

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

function sceneFor(background) {
  return SCENES[background] ?? night;
}

export function createStage(container) {
  preventInlineLoadingStyle();
  const motionQuery = window.matchMedia?.('(prefers-reduced-motion: reduce)');
  const reducedMotion = () => Boolean(motionQuery?.matches);
  const music = createMusicLights({ reducedMotion });
  let scene = night;
  let layout = null;
  let backdrop = null; // p5.Graphics holding the still picture
  let moving = false;
  let seconds = 0; // the scene's own clock: it runs only while the music does
  let instance = null;
  let ready = false;

  function canvasSize() {
    const width = container.clientWidth || window.innerWidth;
    const height = container.clientHeight || window.innerHeight;
    const scale = Math.min(1, MAX_SIDE / Math.max(width, height, 1));
    return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
  }

  function paintBackdrop(p) {
    layout = scene.layout(p.width, p.height);
    if (!backdrop || backdrop.width !== p.width || backdrop.height !== p.height) {
      backdrop?.remove();
      backdrop = p.createGraphics(p.width, p.height);
      backdrop.pixelDensity(1);
      const still = backdrop.elt ?? backdrop.canvas;
      still.classList.add('scene-canvas');
      still.setAttribute('aria-hidden', 'true');
      container.insertBefore(still, p.canvas);
    }
    backdrop.clear();
    scene.backdrop(backdrop, layout);
    container.dataset.scene = scene.name;
  }

  // Loop only while something should move; a still picture is redrawn once when it changes.
  function updateLoop() {
    if (!ready) return;
    const run = moving && (!reducedMotion() || music.active);
    if (run && !instance.isLooping()) instance.loop();
    else if (!run && instance.isLooping()) instance.noLoop();
  }

  function refresh() {
    if (!ready) return;
    paintBackdrop(instance);
    if (!instance.isLooping()) instance.redraw();
  }

  instance = new p5((p) => {
    p.setup = () => {
      p.pixelDensity(1);
      const canvas = p.createCanvas(...canvasSize());
      canvas.elt.classList.add('scene-canvas');
      canvas.elt.setAttribute('aria-hidden', 'true');
      p.frameRate(FPS);
      p.noLoop();
      paintBackdrop(p);
      ready = true;
      updateLoop();
    };

    p.draw = () => {
      const looping = p.isLooping();
      const elapsed = looping ? Math.min(0.1, p.deltaTime / 1000) : 0;
      if (moving && !reducedMotion()) seconds += elapsed;
      p.clear();
      const ctx = p.drawingContext;
      ctx.save();
      scene.animate(ctx, layout, seconds);
      music.draw(ctx, layout, elapsed, scene.notes, scene.light(layout));
      ctx.restore();
      container.dataset.drawn = 'true';
      if (looping && reducedMotion() && !music.active) p.noLoop();
    };

    p.windowResized = () => {
      const [width, height] = canvasSize();
      if (width === p.width && height === p.height) return;
      p.resizeCanvas(width, height, true);
      refresh();
    };
  }, container);

  motionQuery?.addEventListener?.('change', updateLoop);

  return {
    setAmbience(id, background) {
      const next = sceneFor(background);
      if (next === scene) return;
      scene = next;
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
