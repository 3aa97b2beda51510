// A calm p5 visualizer: each note played rises from the bottom as a glowing firefly (x = pitch,
// colour = part), kicks make the moon breathe, and a little dust drifts while idle.
// Only p5's core plus the add-ons drawing needs are bundled: the full p5 build also pulls in
// its translation loader, which fetches from a CDN for some browser languages (no third-party
// requests here). Shapes need math (p5.Vector) and accessibility (describe() bookkeeping).

import p5 from 'p5/core';
import math from 'p5/math';
import color from 'p5/color';
import shape from 'p5/shape';
import accessibility from 'p5/accessibility';

for (const addon of [math, color, shape, accessibility]) p5.registerAddon(addon);

const HEIGHT = 220;
const LOW_MIDI = 36;
const HIGH_MIDI = 88;
// Warm peach, lavender, teal, honey: one per song part, cycling.
const PART_COLOURS = [[255, 183, 130], [190, 160, 255], [120, 210, 200], [245, 215, 120]];

// p5 2.x shows a spinner while setup() runs and injects a <style> element for its keyframes,
// which a strict Content-Security-Policy (style-src 'self') blocks with a console error. p5 skips
// the injection when an element with this id exists; the keyframes live in style.css instead.
function preventInlineLoadingStyle() {
  if (document.getElementById('p5-loading-style')) return;
  const placeholder = document.createElement('meta');
  placeholder.id = 'p5-loading-style';
  placeholder.name = 'p5-loading-style';
  placeholder.content = 'keyframes provided by assets/style.css';
  document.head.append(placeholder);
}

export function createVisualizer(container) {
  preventInlineLoadingStyle();
  const reducedMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
  // Full frame rate only while something is moving: with nothing playing only dust drifts, and a
  // tab left open for hours should not spend a core redrawing it (nor slow the generation worker).
  const busyFps = reducedMotion ? 20 : 40;
  const idleFps = 8;
  let lastActivity = 0;
  const fireflies = [];
  const dust = [];
  let moonGlow = 0;
  let flash = 0;
  let instance = null;

  const sketch = (p) => {
    p.setup = () => {
      const canvas = p.createCanvas(Math.max(200, container.clientWidth), HEIGHT);
      canvas.elt.setAttribute('aria-hidden', 'true'); // the container carries the label
      p.frameRate(idleFps);
      for (let i = 0; i < 28; i++) dust.push({ x: Math.random() * p.width, y: Math.random() * p.height, r: 1 + Math.random() * 1.8, v: 0.05 + Math.random() * 0.15 });
    };

    p.draw = () => {
      // Motion is per 1/40 s, so speeds hold at any frame rate.
      const dt = Math.min(4, (p.deltaTime || 25) / 25);
      const idle = fireflies.length === 0 && moonGlow < 0.01 && flash <= 0.02 && performance.now() - lastActivity > 1000;
      if (p.getTargetFrameRate() !== (idle ? idleFps : busyFps)) p.frameRate(idle ? idleFps : busyFps);
      // Translucent backdrop each frame leaves soft trails behind the fireflies.
      p.noStroke();
      p.fill(22, 18, 34, reducedMotion || idle ? 255 : Math.min(255, 70 * dt));
      p.rect(0, 0, p.width, p.height);

      // Moon, breathing with the kick.
      const moonX = p.width - 70;
      const moonY = 58;
      p.fill(255, 226, 180, 18 + 50 * moonGlow);
      p.circle(moonX, moonY, 70 + 28 * moonGlow);
      p.fill(255, 236, 205, 220);
      p.circle(moonX, moonY, 42);
      p.fill(22, 18, 34, 235);
      p.circle(moonX + 12, moonY - 6, 36); // crescent
      moonGlow *= 0.9 ** dt;

      // Snare: a faint warm flash along the floor.
      if (flash > 0.02) {
        p.fill(255, 190, 140, 40 * flash);
        p.rect(0, p.height - 18, p.width, 18);
        flash *= 0.85 ** dt;
      }

      p.fill(255, 240, 220, 70);
      for (const d of dust) {
        d.y -= d.v * dt;
        if (d.y < 0) d.y = p.height;
        p.circle(d.x, d.y, d.r * 2);
      }

      for (let i = fireflies.length - 1; i >= 0; i--) {
        const f = fireflies[i];
        f.life -= (reducedMotion ? 0.012 : 0.008) * dt;
        f.y -= f.vy * dt;
        f.x += Math.sin((f.life + f.phase) * 9) * 0.3 * dt;
        if (f.life <= 0) {
          fireflies.splice(i, 1);
          continue;
        }
        const [r, g, b] = f.colour;
        p.fill(r, g, b, 45 * f.life);
        p.circle(f.x, f.y, f.size * 2.6);
        p.fill(r, g, b, 230 * f.life);
        p.circle(f.x, f.y, f.size);
      }
    };
  };

  instance = new p5(sketch, container);

  function wake() {
    lastActivity = performance.now();
    if (instance && instance.getTargetFrameRate() !== busyFps) instance.frameRate(busyFps);
  }

  const resize = new ResizeObserver(() => {
    if (instance && container.clientWidth > 0) instance.resizeCanvas(Math.max(200, container.clientWidth), HEIGHT);
  });
  resize.observe(container);

  return {
    note(midis, velocity = 0.8, part = 0) {
      wake();
      const width = instance?.width ?? container.clientWidth;
      for (const midi of midis) {
        const t = Math.min(1, Math.max(0, (midi - LOW_MIDI) / (HIGH_MIDI - LOW_MIDI)));
        fireflies.push({
          x: 24 + t * (width - 48),
          y: HEIGHT - 20,
          vy: 0.6 + velocity * 0.9,
          size: 6 + velocity * 10,
          life: 1,
          phase: Math.random() * 6,
          colour: PART_COLOURS[part % PART_COLOURS.length],
        });
      }
      if (fireflies.length > 300) fireflies.splice(0, fireflies.length - 300);
    },
    drum(drum, velocity = 1) {
      wake();
      if (drum === 'kick') moonGlow = Math.min(1, moonGlow + velocity);
      else if (drum === 'snare') flash = Math.min(1, flash + velocity);
    },
  };
}
