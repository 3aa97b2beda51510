// Rain on a window: a dim room, a tall four-pane window onto a grey, rainy city in misty layers,
// rain slanting past the glass and drops running down it, a plant on the sill. Overcast greys and
// slate blues at dusk, lit windows across the street.

import { fillPath, glow, seededRandom, strokePath, verticalGradient, wrap } from './paint.js';

const WALL = [[62, 67, 80], [38, 41, 50]];
const FRAME = [86, 92, 106];
// A rainy dusk: the sky still light at the horizon, the towers dark enough for lit windows to glow.
const SKY = [[168, 176, 196], [74, 86, 114]];
const TOWERS = [[96, 108, 134], [62, 70, 92]]; // far and near, paler with the mist
const LIT = [250, 216, 150];

function layout(w, h) {
  const rand = seededRandom(7);
  const portrait = h > w;
  // The window in the middle band: its top under the title (over the dark wall), its sill above
  // the dock.
  const win = portrait
    ? { x: w * 0.08, y: h * 0.18, w: w * 0.84, h: h * 0.47 }
    : { x: w * 0.17, y: h * 0.17, w: w * 0.66, h: h * 0.56 };
  const bar = Math.max(4, Math.min(w, h) * 0.022); // frame and mullion thickness
  const towers = [];
  for (let x = win.x - 10; x < win.x + win.w; ) {
    const tw = win.w * (0.06 + rand() * 0.09);
    const th = win.h * (0.18 + rand() * 0.42);
    const lit = [];
    const dark = []; // the windows a note may light
    for (let wy = 8; wy < th - 10; wy += 12) {
      for (let wx = 5; wx < tw - 8; wx += 10) (rand() < 0.18 ? lit : dark).push([x + wx, win.y + win.h - th + wy]);
    }
    towers.push({ x, w: tw, h: th, lit, dark, near: rand() < 0.5 });
    x += tw + rand() * 6;
  }
  const streaks = Array.from({ length: Math.min(170, Math.round((win.w * win.h) / 2200)) }, () => ({
    x: rand() * (win.w + 60),
    y: rand(),
    len: 10 + rand() * 18,
    speed: 0.9 + rand() * 0.7, // window heights a second
  }));
  const drops = Array.from({ length: 16 }, () => ({ x: rand() * win.w, y: rand(), r: 1.5 + rand() * 2.2, speed: 0.015 + rand() * 0.05 }));
  // The near towers stand in front of the far ones: only their windows can be lit by a note.
  const slots = [];
  const sorted = [...towers].sort((a, b) => a.near - b.near);
  sorted.forEach((tower, i) => {
    const front = sorted.slice(i + 1).filter((o) => o.x < tower.x + tower.w && o.x + o.w > tower.x);
    for (const [x, y] of tower.dark) {
      const covered = front.some((o) => x + 4 > o.x && x < o.x + o.w && y + 5 > win.y + win.h - o.h);
      if (!covered && x > win.x && x + 4 < win.x + win.w && !(Math.abs(x + 2 - (win.x + win.w / 2)) < bar) && !(Math.abs(y + 2.5 - (win.y + win.h * 0.45)) < bar)) slots.push([x, y]);
    }
  });
  slots.sort((a, b) => a[0] - b[0]);
  return { w, h, win, bar, towers: sorted, slots, streaks, drops };
}

function backdrop(g, { w, h, win, bar, towers }) {
  const ctx = g.drawingContext;
  verticalGradient(ctx, 0, 0, w, h, [[0, WALL[0]], [1, WALL[1]]]);
  // The view: a wet sky glowing with the city's light, and its towers.
  verticalGradient(ctx, win.x, win.y, win.w, win.h, [[0, SKY[1]], [1, SKY[0]]]);
  g.clipped(win.x, win.y, win.w, win.h, () => {
    g.noStroke();
    for (const tower of towers) {
      g.fill(...TOWERS[tower.near ? 1 : 0]);
      g.rect(tower.x, win.y + win.h - tower.h, tower.w, tower.h);
      g.fill(...LIT, 170);
      for (const [x, y] of tower.lit) g.rect(x, y, 4, 5);
    }
  });
  // The frame, the sill and a potted plant on it.
  g.noFill();
  g.stroke(...FRAME);
  g.strokeWeight(bar * 1.6);
  g.rect(win.x, win.y, win.w, win.h);
  g.noStroke();
  g.fill(...FRAME);
  g.rect(win.x + win.w / 2 - bar / 2, win.y, bar, win.h);
  g.rect(win.x, win.y + win.h * 0.45 - bar / 2, win.w, bar);
  const sillY = win.y + win.h + bar * 0.8;
  g.fill(104, 110, 124);
  g.rect(win.x - bar * 3, sillY, win.w + bar * 6, bar * 2.2);
  // The plant at the sill's left end, outside the dock's width on a wide screen.
  const potX = win.x + win.w * 0.04;
  const potW = Math.max(18, win.w * 0.07);
  g.fill(46, 88, 64);
  for (let i = 0; i < 5; i++) g.ellipse(potX + potW / 2 + (i - 2) * potW * 0.28, sillY - potW * (0.9 + (i % 2) * 0.3), potW * 0.35, potW * 0.9);
  g.fill(170, 96, 70);
  g.quad(potX, sillY - potW * 0.7, potX + potW, sillY - potW * 0.7, potX + potW * 0.85, sillY, potX + potW * 0.15, sillY);
  glow(ctx, win.x + win.w / 2, win.y + win.h, Math.max(w, h) * 0.5, [170, 185, 205], 0.14);
}

// Moving parts, on the context itself (see paint.js: fillPath). Nothing here is clipped (a clip
// costs on every frame): the streaks that would cross the window's edge are left out, and the
// trails stop at its top.
function animate(ctx, { win, bar, streaks, drops }, t) {
  const slant = 0.18;
  const right = win.x + win.w;
  const bottom = win.y + win.h;
  strokePath(ctx, 'rgba(236, 242, 252, 0.6)', 1, () => {
    for (const s of streaks) {
      const y = win.y + wrap(s.y + s.speed * t, 1.1) * win.h - s.len;
      const x = win.x + s.x - 40 - (y - win.y) * slant;
      const endX = x - s.len * slant;
      if (y < win.y || y + s.len > bottom || endX < win.x || x > right) continue;
      ctx.moveTo(x, y);
      ctx.lineTo(endX, y + s.len);
    }
  });
  // Drops running down the glass, each leaving a short wet trail.
  const at = drops.map((d) => [win.x + d.x, win.y + wrap(d.y + d.speed * t, 1) * win.h, d.r]);
  fillPath(ctx, 'rgba(236, 244, 255, 0.3)', () => {
    for (const [x, y, r] of at) {
      const top = Math.max(win.y, y - r * 9);
      ctx.rect(x - r * 0.35, top, r * 0.7, y - top);
    }
  });
  fillPath(ctx, 'rgba(244, 248, 255, 0.75)', () => {
    for (const [x, y, r] of at) {
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, Math.PI * 2);
    }
  });
  // The mullions stay in front of the rain.
  fillPath(ctx, `rgb(${FRAME.join(',')})`, () => {
    ctx.rect(win.x + win.w / 2 - bar / 2, win.y, bar, win.h);
    ctx.rect(win.x, win.y + win.h * 0.45 - bar / 2, win.w, bar);
  });
}

// A note lights a window across the street, in the towers near its pitch (low left, high right).
function placeWindow(note, { win, slots }) {
  if (!slots.length) return { x: win.x + win.w * note.pitch, y: win.y + win.h * 0.8, w: 4, h: 5 };
  const target = win.x + win.w * (0.04 + 0.92 * note.pitch);
  let lo = 0;
  while (lo < slots.length - 1 && slots[lo][0] < target) lo++;
  const near = slots.filter(([x]) => Math.abs(x - target) < win.w * 0.05);
  const [x, y] = near.length ? near[Math.floor(note.seed * near.length)] : slots[lo];
  return { x, y, w: 4, h: 5 };
}

export default {
  name: 'rain',
  music: { kind: 'window', life: 3.2, place: placeWindow },
  // Colours of windows lit in the grey: lamp amber, a rose curtain, a screen's cyan, warm white.
  notes: [[255, 200, 110], [255, 150, 160], [150, 230, 240], [255, 226, 170]],
  light: ({ win }) => ({ x: win.x + win.w / 2, y: win.y + win.h * 0.6, r: win.h * 0.45, colour: [255, 236, 200] }),
  // Everything that moves (rain, drops, the lit windows) is behind the glass.
  area: ({ win }) => ({ x: win.x, y: win.y, w: win.w, h: win.h }),
  layout,
  backdrop,
  animate,
};
