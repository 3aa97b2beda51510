// The still picture: each place painted once per size, at the display's resolution, on a plain
// canvas of its own, with no p5. Loaded right after the first paint (ui/scene/index.js), so a
// shared link opens on the picture itself; the animation (stage.js, with p5) is fetched a moment
// after the first note sounds and draws the moving parts on a canvas above this one.
//
// A picture is laid out in its own units, the viewport scaled to DESIGN_SIDE on its longer side
// (every scene's shapes and sizes are written for that), and painted through a transform onto a
// canvas of the viewport's CSS size times the screen's pixel ratio, up to MAX_RATIO.

import rain from './rain.js';
import fire from './fire.js';
import wind from './wind.js';
import creek from './creek.js';
import night from './night.js';
import { pen } from './paint.js';

// An ambience's background (media.json) -> its picture. Vinyl has no picture of its own: the night.
const SCENES = { rain, fire, wind, water: creek, night, vinyl: night };
const DESIGN_SIDE = 512;
const MAX_RATIO = 2;
// Device pixels a CSS pixel on the moving parts' canvas: under half (stage.js says why).
export const MOVING_RATIO = 0.45;

export function sceneFor(background) {
  return SCENES[background] ?? night;
}

// The viewport's CSS size and the picture's own units for it.
export function measure(container) {
  const width = container.clientWidth || window.innerWidth || 1;
  const height = container.clientHeight || window.innerHeight || 1;
  const unit = DESIGN_SIDE / Math.max(width, height, 1);
  return { width, height, w: width * unit, h: height * unit, unit };
}

export function makeCanvas(container, before = null) {
  const canvas = document.createElement('canvas');
  canvas.className = 'scene-canvas';
  canvas.setAttribute('aria-hidden', 'true');
  container.insertBefore(canvas, before);
  return canvas;
}

// Sizes `canvas` for the viewport at `ratio` device pixels a CSS pixel; returns its context,
// transformed so that drawing is in the picture's units.
export function fit(canvas, size, ratio) {
  const width = Math.max(1, Math.round(size.width * ratio));
  const height = Math.max(1, Math.round(size.height * ratio));
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(width / size.w, 0, 0, height / size.h, 0, 0);
  return ctx;
}

export const pictureRatio = () => Math.min(MAX_RATIO, Math.max(1, window.devicePixelRatio || 1));

// The backdrop canvas and the picture on it. paint() lays out and paints the chosen scene when
// the scene or the size changed (true then), and does nothing otherwise.
export function createPicture(container) {
  const canvas = makeCanvas(container, container.firstChild);
  let scene = null;
  let painted = '';
  let layout = null;
  let size = measure(container);

  return {
    canvas,
    get scene() {
      return scene;
    },
    get layout() {
      return layout;
    },
    get size() {
      return size;
    },
    paint(background) {
      const next = sceneFor(background);
      size = measure(container);
      const ratio = pictureRatio();
      const key = `${next.name} ${size.width}x${size.height}@${ratio}`;
      if (key === painted) return false;
      painted = key;
      scene = next;
      layout = scene.layout(size.w, size.h);
      // Pixels a unit on the moving canvas: a sprite (wind's crowns) is made at the size it is drawn.
      layout.pixels = (size.width * MOVING_RATIO) / size.w;
      const ctx = fit(canvas, size, ratio);
      ctx.save();
      ctx.clearRect(0, 0, size.w, size.h);
      scene.backdrop(pen(ctx), layout);
      ctx.restore();
      container.dataset.scene = scene.name;
      return true;
    },
  };
}

// One frame of the moving parts, on a context already fitted (see fit): the scene's own, then the
// music in it. rect: the part of the picture the canvas holds ({w, h}, and {x, y} if not 0, 0).
export function drawFrame(ctx, rect, scene, layout, seconds, music, elapsed) {
  ctx.clearRect(rect.x ?? 0, rect.y ?? 0, rect.w, rect.h);
  ctx.save();
  scene.animate(ctx, layout, seconds);
  music?.draw(ctx, layout, elapsed, scene);
  ctx.restore();
}
