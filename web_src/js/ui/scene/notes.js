// The music inside the scene: every note played rises from the bottom as a glowing light (left to
// right low to high, coloured by the part that plays it, in the scene's own colours), and drums
// make the scene's light source pulse. The calls arrive through Tone.Draw, at the moment each
// note is heard. With reduced motion the lights do not travel: they fade in and out where they
// are, and the drums do not flash.

import { glow, rgba } from './paint.js';

const LOW_MIDI = 36;
const HIGH_MIDI = 88;
const LIFE = 4; // seconds a light lives
const MOST = 160; // lights at once, so a flurry of notes cannot slow the page

export function createMusicLights({ reducedMotion }) {
  const lights = [];
  let pulse = 0;

  return {
    note(midis, velocity = 0.8, part = 0) {
      for (const midi of midis) {
        const pitch = Math.min(1, Math.max(0, (midi - LOW_MIDI) / (HIGH_MIDI - LOW_MIDI)));
        lights.push({ pitch, velocity, part, age: 0, drift: Math.random() * 6.28 });
      }
      if (lights.length > MOST) lights.splice(0, lights.length - MOST);
    },
    drum(kind, velocity = 1) {
      if (reducedMotion()) return;
      pulse = Math.min(1, pulse + (kind === 'kick' ? 0.7 : 0.35) * velocity);
    },
    get active() {
      return lights.length > 0 || pulse > 0.03;
    },
    // On the context itself (see paint.js: fillPath). seconds: time since the last frame;
    // palette: the scene's note colours; light: its light source {x, y, r, colour}.
    draw(ctx, { w, h }, seconds, palette, light) {
      const still = reducedMotion();
      if (pulse > 0.03) glow(ctx, light.x, light.y, Math.min(light.r, Math.min(w, h) * 0.45), light.colour, 0.28 * pulse);
      pulse *= Math.exp(-seconds * 5);
      const size = Math.max(5, Math.min(w, h) * 0.012);
      for (let i = lights.length - 1; i >= 0; i--) {
        const light = lights[i];
        light.age += seconds;
        const k = light.age / LIFE;
        if (k >= 1) {
          lights.splice(i, 1);
          continue;
        }
        const x = w * (0.06 + 0.88 * light.pitch) + (still ? 0 : Math.sin(light.drift + k * 9) * 8);
        const y = still ? h * (0.62 - 0.2 * light.velocity) : h * (0.92 - 0.7 * k);
        // Fade in over the first tenth of its life, out over the rest.
        const alpha = Math.min(1, k * 10) * (1 - k);
        const radius = (size * (0.6 + light.velocity)) / 2;
        ctx.fillStyle = rgba(palette[light.part % palette.length]);
        ctx.globalAlpha = 0.24 * alpha;
        ctx.beginPath();
        ctx.arc(x, y, radius * 3, 0, Math.PI * 2);
        ctx.fill();
        ctx.globalAlpha = 0.92 * alpha;
        ctx.beginPath();
        ctx.arc(x, y, radius, 0, Math.PI * 2);
        ctx.fill();
      }
      ctx.globalAlpha = 1;
    },
  };
}
