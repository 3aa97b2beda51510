// The music inside the picture: every note played lights something that belongs there, in the
// scene's own colours for the part that plays it, left to right from low to high: a window in the
// city across the street (rain), a spark rising from the fire, a firefly over the meadow (wind), a
// ripple on the creek, a star in the night sky. Drums make the scene's light source pulse. The
// calls arrive through audio/heard.js, at the moment each note is heard.
//
// A scene says what its notes are (music: {kind, life, place(note, layout)}); this module keeps
// them and draws each kind. With reduced motion nothing travels: each light fades in and out
// where it is placed, and the drums do not flash.

import { glow, rgba } from './paint.js';

const LOW_MIDI = 36;
const HIGH_MIDI = 88;
// Lights at once: a flurry of notes cannot slow the page (the drawing budget of the music).
const MOST = 48;
const GOLDEN = 0.6180339887;

// Fade in over the first tenth of a light's life, out over the rest.
const fade = (k) => Math.min(1, k * 10) * (1 - k);

// Each kind of light, drawn at its place; k: its age as a share of its life, alpha: its fade.
const PAINTERS = {
  // A window lit across the street, with the soft halo of its light in the rain.
  window(ctx, light, k, alpha, colour) {
    const { x, y, w, h } = light.place;
    ctx.fillStyle = rgba(colour, 0.35 * alpha);
    ctx.fillRect(x - w * 0.75, y - w * 0.75, w * 2.5, h + w * 1.5);
    ctx.fillStyle = rgba(colour, alpha);
    ctx.fillRect(x, y, w, h);
  },
  // A spark from the fire: up through the opening, swaying, dimming as it climbs.
  spark(ctx, light, k, alpha, colour, still) {
    const p = light.place;
    const climb = still ? p.still : 1 - (1 - k) * (1 - k);
    const x = p.x + (still ? 0 : Math.sin(light.age * 3 + light.seed * 9) * p.sway * k);
    const y = p.y - p.rise * climb;
    const r = p.r * (1 - 0.5 * k);
    ctx.fillStyle = rgba(colour, 0.3 * alpha);
    ctx.beginPath();
    ctx.arc(x, y, r * 2.2, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = rgba([255, 246, 220], 0.95 * alpha);
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.fill();
  },
  // A firefly over the grass: it wanders a little and breathes.
  firefly(ctx, light, k, alpha, colour, still) {
    const p = light.place;
    const t = light.age;
    const x = p.x + (still ? 0 : Math.sin(t * 1.3 + light.seed * 6) * p.r * 5);
    const y = p.y + (still ? 0 : Math.cos(t * 0.9 + light.seed * 5) * p.r * 3 - k * p.r * 6);
    const breath = still ? 1 : 0.75 + 0.25 * Math.sin(t * 5 + light.seed * 7);
    ctx.fillStyle = rgba(colour, 0.28 * alpha * breath);
    ctx.beginPath();
    ctx.arc(x, y, p.r * 3.2, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = rgba(colour, alpha * breath);
    ctx.beginPath();
    ctx.arc(x, y, p.r, 0, Math.PI * 2);
    ctx.fill();
  },
  // A ripple on the water: two rings spreading (flattened by the view), carried downstream.
  ripple(ctx, light, k, alpha, colour, still) {
    const p = light.place;
    const grow = still ? 0.7 : 0.25 + k * 1.1;
    const y = p.y + (still ? 0 : p.drift * k);
    ctx.strokeStyle = rgba(colour, 0.9 * alpha);
    ctx.lineWidth = p.line;
    ctx.beginPath();
    ctx.ellipse(p.x, y, p.r * grow, p.r * grow * 0.32, 0, 0, Math.PI * 2);
    ctx.stroke();
    ctx.strokeStyle = rgba(colour, 0.5 * alpha);
    ctx.beginPath();
    ctx.ellipse(p.x, y, p.r * grow * 0.55, p.r * grow * 0.55 * 0.32, 0, 0, Math.PI * 2);
    ctx.stroke();
  },
  // A star coming out: a point of light with four thin rays, fading back into the sky.
  star(ctx, light, k, alpha, colour) {
    const { x, y, r } = light.place;
    const ray = r * (2.5 + 3 * light.velocity) * (1 - 0.4 * k);
    ctx.fillStyle = rgba(colour, 0.2 * alpha);
    ctx.beginPath();
    ctx.arc(x, y, r * 2.6, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = rgba(colour, alpha);
    ctx.beginPath();
    ctx.moveTo(x - ray, y);
    ctx.lineTo(x, y - r * 0.45);
    ctx.lineTo(x + ray, y);
    ctx.lineTo(x, y + r * 0.45);
    ctx.closePath();
    ctx.moveTo(x, y - ray);
    ctx.lineTo(x + r * 0.45, y);
    ctx.lineTo(x, y + ray);
    ctx.lineTo(x - r * 0.45, y);
    ctx.closePath();
    ctx.fill();
  },
};

export function createMusicLights({ reducedMotion }) {
  const lights = [];
  let pulse = 0;
  let count = 0;

  return {
    note(midis, velocity = 0.8, part = 0) {
      for (const midi of midis) {
        const pitch = Math.min(1, Math.max(0, (midi - LOW_MIDI) / (HIGH_MIDI - LOW_MIDI)));
        // seed: an even spread in 0..1, note after note (where among its places a light goes).
        lights.push({ pitch, velocity, part, age: 0, seed: (++count * GOLDEN) % 1, place: null });
      }
      if (lights.length > MOST) lights.splice(0, lights.length - MOST);
    },
    drum(kind, velocity = 1) {
      if (reducedMotion()) return;
      pulse = Math.min(1, pulse + (kind === 'kick' ? 0.6 : 0.3) * velocity);
    },
    get active() {
      return lights.length > 0 || pulse > 0.03;
    },
    // On the context itself (see paint.js: fillPath). seconds: time since the last frame.
    draw(ctx, layout, seconds, scene) {
      const still = reducedMotion();
      const source = scene.light(layout);
      if (pulse > 0.03) glow(ctx, source.x, source.y, source.r, source.colour, 0.22 * pulse);
      pulse *= Math.exp(-seconds * 5);
      const { kind, life, place } = scene.music;
      const paint = PAINTERS[kind];
      for (let i = lights.length - 1; i >= 0; i--) {
        const light = lights[i];
        light.age += seconds;
        const k = light.age / life;
        if (k >= 1) {
          lights.splice(i, 1);
          continue;
        }
        // Placed when first drawn, in the layout it is drawn in (a new place or size: new places).
        if (!light.place || light.layout !== layout) {
          light.place = place(light, layout);
          light.layout = layout;
        }
        paint(ctx, light, k, fade(k), scene.notes[light.part % scene.notes.length], still);
      }
    },
  };
}
