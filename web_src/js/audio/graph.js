// The audio graph: the effects bus (audio/instruments.js createMasterChain) and one instrument per
// name and kind, built once for live playback (the offline render builds its own with the same code).

import { createInstrument, createMasterChain, DEFAULT_VOLUMES } from './instruments.js';
import { count } from './probe.js';

// Built in Tone's current context. Resolves to {chain, instrument(recipe, route), releaseAll(time),
// dispose()}. route: the chain's input, 'music' (the backing, through the tape) or 'melody'.
// Instruments are kept per name, kind and route: a sampler gains the sample notes later recipes bring.
export async function createGraph({ volumes = DEFAULT_VOLUMES, vinyl = null } = {}) {
  const chain = await createMasterChain(volumes, { vinylBuffer: vinyl });
  for (const node of chain.nodes) count('graph', node);
  const instruments = new Map(); // "name|kind" -> {node, notes: Set}
  return count('graphs', {
    chain,
    setVinyl(buffer) {
      const before = chain.nodes.length;
      chain.setVinyl(buffer);
      for (const node of chain.nodes.slice(before)) count('graph', node);
    },
    instrument(recipe, route = recipe.route ?? 'music') {
      const key = `${recipe.name}|${recipe.kind}|${route}`;
      let entry = instruments.get(key);
      if (!entry) {
        entry = { node: count('instrument', createInstrument(recipe)).connect(chain.inputs[route]), notes: new Set(Object.keys(recipe.buffers ?? {})) };
        instruments.set(key, entry);
      } else if (recipe.kind === 'sampler') {
        for (const [note, buffer] of Object.entries(recipe.buffers)) {
          if (entry.notes.has(note)) continue;
          entry.node.add(note, buffer);
          entry.notes.add(note);
        }
      }
      return entry.node;
    },
    releaseAll(time) {
      for (const { node } of instruments.values()) node.releaseAll(time);
    },
    dispose() {
      for (const { node } of instruments.values()) node.dispose();
      instruments.clear();
      for (const node of [...chain.nodes].reverse()) node.dispose();
    },
  });
}
