// A creek: a stream of bright teal water running down through a green wood towards the viewer,
// past mossy stones, with ripples flowing and reeds on the banks. Teals and deep greens.

import { fillPath, glow, seededRandom, strokePath, verticalGradient, wrap } from './paint.js';

const SKY = [[40, 70, 78], [120, 160, 140]];
const PINES = [22, 52, 44];
const BANK = [[58, 104, 62], [34, 70, 42]];
const WATER = [[70, 150, 170], [112, 200, 214]];

// The stream's middle and half-width at depth k (0 far away, 1 at the viewer's feet).
function course(L, k) {
  const { w, horizonY, h } = L;
  return {
    y: horizonY + k * (h - horizonY),
    x: w * (0.56 - 0.12 * Math.sin(k * 3.2)),
    // On a tall screen the stream is measured against more than the narrow width.
    half: Math.max(w, h * 0.6) * (0.03 + 0.34 * k * k + 0.06 * k),
  };
}

function layout(w, h) {
  const rand = seededRandom(31);
  const horizonY = h * (h > w ? 0.3 : 0.34);
  const L = { w, h, horizonY };
  L.pines = Array.from({ length: Math.round(w / 22) }, (_, i) => ({ x: (i + rand() * 0.8) * 22, height: h * (0.08 + rand() * 0.12) }));
  // The stones in the middle band, under the title and above the dock.
  L.stones = Array.from({ length: 7 }, (_, i) => {
    const k = 0.12 + (0.5 * i) / 6;
    const c = course(L, k);
    return { x: c.x + (rand() - 0.5) * c.half * 1.4, y: c.y, r: 6 + k * Math.min(w, h) * 0.07, shade: 90 + rand() * 40 };
  });
  L.banks = Array.from({ length: 10 }, () => {
    const k = 0.2 + rand() * 0.8;
    const c = course(L, k);
    const side = rand() < 0.5 ? -1 : 1;
    return { x: c.x + side * (c.half + 10 + rand() * w * 0.1), y: c.y, r: 5 + k * Math.min(w, h) * 0.05, shade: 80 + rand() * 50 };
  });
  L.reeds = Array.from({ length: 16 }, () => {
    const k = 0.45 + rand() * 0.55;
    const c = course(L, k);
    const side = rand() < 0.5 ? -1 : 1;
    return { x: c.x + side * (c.half + rand() * 24), y: c.y, len: 18 + k * h * 0.12, phase: rand() * 6 };
  });
  L.ripples = Array.from({ length: 70 }, () => ({ k: rand(), across: rand() * 1.6 - 0.8, len: 0.3 + rand() * 0.5, speed: 0.05 + rand() * 0.05 }));
  return L;
}

function backdrop(g, L) {
  const { w, h, horizonY, pines, stones, banks } = L;
  const ctx = g.drawingContext;
  verticalGradient(ctx, 0, 0, w, horizonY, [[0, SKY[0]], [1, SKY[1]]]);
  // Far hills in the haze behind the wood.
  g.noStroke();
  g.fill(70, 104, 100);
  for (let i = 0; i < 4; i++) g.ellipse(w * (0.1 + i * 0.3), horizonY, w * 0.5, h * 0.16);
  verticalGradient(ctx, 0, horizonY, w, h - horizonY, [[0, BANK[0]], [1, BANK[1]]]);
  g.noStroke();
  g.fill(...PINES);
  for (const pine of pines) g.triangle(pine.x - pine.height * 0.28, horizonY + 2, pine.x + pine.height * 0.28, horizonY + 2, pine.x, horizonY - pine.height);
  // The water: a band that widens as it comes closer.
  const gradient = ctx.createLinearGradient(0, horizonY, 0, h);
  gradient.addColorStop(0, `rgb(${WATER[0].join(',')})`);
  gradient.addColorStop(1, `rgb(${WATER[1].join(',')})`);
  ctx.save();
  ctx.fillStyle = gradient;
  ctx.beginPath();
  for (let k = 0; k <= 1.0001; k += 0.05) {
    const c = course(L, k);
    ctx.lineTo(c.x - c.half, c.y);
  }
  for (let k = 1; k >= -0.0001; k -= 0.05) {
    const c = course(L, k);
    ctx.lineTo(c.x + c.half, c.y);
  }
  ctx.fill();
  ctx.restore();
  // Light on the water from the sky, brightest where the stream is widest.
  glow(ctx, course(L, 0.35).x, course(L, 0.35).y, w * 0.35, [200, 240, 240], 0.25);
  for (const s of [...banks, ...stones]) {
    g.fill(s.shade * 0.55, s.shade * 0.6, s.shade * 0.62);
    g.ellipse(s.x, s.y, s.r * 2.2, s.r * 1.2);
    g.fill(s.shade, s.shade * 1.05, s.shade * 1.08);
    g.ellipse(s.x - s.r * 0.15, s.y - s.r * 0.2, s.r * 1.7, s.r * 0.8);
  }
}

// Moving parts, on the context itself (see paint.js: fillPath).
function animate(ctx, L, t) {
  // Ripples: light strokes carried downstream, longer as they come closer; faint far away
  // (three brightnesses, one path each).
  const bands = [[], [], []];
  for (const r of L.ripples) {
    const k = wrap(r.k + r.speed * t, 1);
    bands[Math.min(2, Math.floor(k * 6))].push([k, r]);
  }
  bands.forEach((band, i) => {
    strokePath(ctx, `rgba(225, 248, 250, ${[0.25, 0.55, 0.8][i]})`, 1.5, () => {
      for (const [k, r] of band) {
        const c = course(L, k);
        const x = c.x + r.across * c.half * 0.8;
        const len = r.len * (8 + k * 40);
        ctx.moveTo(x - len / 2, c.y);
        ctx.lineTo(x + len / 2, c.y);
      }
    });
  });
  // Foam curling round the stones in the water.
  strokePath(ctx, 'rgba(235, 250, 252, 0.65)', 1.5, () => {
    for (const s of L.stones) {
      const curl = Math.sin(t * 3 + s.x) * 0.15;
      const x = s.x;
      const y = s.y + s.r * 0.3;
      ctx.moveTo(x + Math.cos(0.2 + curl) * s.r * 1.4, y + Math.sin(0.2 + curl) * s.r * 0.6);
      ctx.ellipse(x, y, s.r * 1.4, s.r * 0.6, 0, 0.2 + curl, Math.PI - 0.2 + curl);
    }
  });
  const heads = [];
  strokePath(ctx, 'rgb(120, 150, 70)', 2, () => {
    for (const reed of L.reeds) {
      const lean = Math.sin(t * 1.2 + reed.phase) * reed.len * 0.08;
      ctx.moveTo(reed.x, reed.y);
      ctx.lineTo(reed.x + lean, reed.y - reed.len);
      heads.push([reed.x + lean, reed.y - reed.len]);
    }
  });
  fillPath(ctx, 'rgb(110, 70, 40)', () => {
    for (const [x, y] of heads) {
      ctx.moveTo(x + 2, y);
      ctx.ellipse(x, y, 2, 5, 0, 0, Math.PI * 2);
    }
  });
}

// A note is a ripple on the water, across the stream by its pitch (low left, high right), in its
// upper, far reach (the part of the stream clear of the dock).
function placeRipple(note, L) {
  const k = 0.1 + 0.45 * note.seed;
  const c = course(L, k);
  return {
    x: c.x + (note.pitch - 0.5) * 1.5 * c.half,
    y: c.y,
    r: 5 + c.half * 0.22 * (0.6 + note.velocity * 0.5),
    drift: (L.h - L.horizonY) * 0.06,
    line: 0.8 + k,
  };
}

export default {
  name: 'creek',
  music: { kind: 'ripple', life: 2.8, place: placeRipple },
  // Water colours for the notes: spray white, aqua, moss, sunlit yellow.
  notes: [[220, 250, 255], [130, 230, 230], [190, 240, 150], [255, 240, 160]],
  // Everything that moves (ripples, foam, reeds) is below the tops of the nearest reeds.
  area: ({ w, h, horizonY, reeds }) => {
    const y = Math.max(0, Math.min(horizonY, ...reeds.map((r) => r.y - r.len * 1.1)) - 4);
    return { x: 0, y, w, h: h - y };
  },
  light: (L) => {
    const c = course(L, 0.35);
    return { x: c.x, y: c.y, r: c.half * 1.4, colour: [200, 250, 255] };
  },
  layout,
  backdrop,
  animate,
};
