// The exported Keras model (model.json + its weight shards, written by the tensorflowjs converter)
// read as the stack lstm.js steps through: Embedding -> [LSTM, Dropout]* -> Dense* ->
// Activation(softmax). Only the weights are needed, so tfjs-layers is not: model.json's topology
// names the layers in order, its weightsManifest says where each weight lies in the shards, and
// io.decodeWeights turns the bytes into tensors (float16 shards back into float32).

import { dispose, io } from '@tensorflow/tfjs-core';
import { fetchModelFiles } from './model_files.js';

// Dense activations the step can reproduce: the fused matMul applies all but tanh in its own
// kernel; tanh is applied in JS.
const FUSED_ACTIVATIONS = new Set(['linear', 'relu', 'elu', 'sigmoid']);
const DENSE_ACTIVATIONS = new Set([...FUSED_ACTIVATIONS, 'tanh']);

// modelUrl: the absolute URL of model.json. Resolves to {modelJson, shards}: the files the page
// fetched and handed over (provideModel), else fetched here; errors name the file that failed.
const provided = new Map(); // modelUrl -> {modelJson, shards}

export function provideModel(modelUrl, files) {
  provided.set(modelUrl, files);
}

export async function fetchModel(modelUrl) {
  const files = provided.get(modelUrl);
  provided.delete(modelUrl); // read once: the buffers are the stack's after that
  return files ?? fetchModelFiles(modelUrl);
}

// The Keras layers of a "layers-model" model.json, in order: [{kind, name, config}].
function kerasLayers(modelJson, source) {
  const topology = modelJson.modelTopology;
  const model = topology?.model_config ?? topology;
  const config = model?.config;
  const layers = Array.isArray(config) ? config : config?.layers;
  if (!Array.isArray(layers)) throw new Error(`${source}: modelTopology has no layers`);
  return layers.map((layer) => ({ kind: layer.class_name, name: layer.config?.name ?? layer.name, config: layer.config ?? {} }));
}

// {embedding: Float32Array [vocab * E], vocabSize, embeddingSize, lstms: [{kernel, recurrentKernel,
// bias, units}], dense: [{kernel, bias, activation}]}: the matMul weights as tensors, owned by the
// caller (disposeStack). Throws on anything the step function cannot reproduce, naming the layer.
export function readStack({ modelJson, shards }, source = 'model.json') {
  const specs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const tensors = io.decodeWeights(shards, specs);
  const used = new Set();
  const take = (layer, suffix) => {
    const name = Object.keys(tensors).find((key) => key.startsWith(`${layer.name}/`) && key.endsWith(`/${suffix}`));
    if (!name) throw new Error(`${source}: layer ${layer.name} has no ${suffix} weight`);
    used.add(name);
    return tensors[name];
  };
  const stack = { embedding: null, vocabSize: 0, embeddingSize: 0, lstms: [], dense: [] };
  try {
    for (const layer of kerasLayers(modelJson, source)) readLayer(layer, stack, take, source);
    if (!stack.embedding || stack.lstms.length === 0 || stack.dense.length === 0) {
      throw new Error(`${source}: the model is not Embedding -> LSTM -> Dense`);
    }
  } catch (err) {
    dispose(Object.values(tensors));
    throw err;
  }
  dispose(Object.entries(tensors).filter(([name]) => !used.has(name)).map(([, tensor]) => tensor));
  return stack;
}

function readLayer(layer, stack, take, source) {
  const { kind, name, config } = layer;
  switch (kind) {
    case 'InputLayer':
    case 'Dropout': // identity at inference time
      return;
    case 'Embedding': {
      const table = take(layer, 'embeddings');
      [stack.vocabSize, stack.embeddingSize] = table.shape;
      stack.embedding = table.dataSync().slice();
      table.dispose();
      return;
    }
    case 'LSTM': {
      const activation = config.activation ?? 'tanh';
      const recurrent = config.recurrent_activation ?? 'sigmoid';
      if (activation !== 'tanh' || recurrent !== 'sigmoid') {
        throw new Error(`${source}: LSTM ${name} uses ${activation}/${recurrent}; expected tanh/sigmoid`);
      }
      if (config.use_bias === false) throw new Error(`${source}: LSTM ${name} has no bias`);
      // Keras layout: kernel [in, 4u], recurrent_kernel [u, 4u], bias [4u]; gates i, f, c, o.
      const kernel = take(layer, 'kernel');
      stack.lstms.push({ kernel, recurrentKernel: take(layer, 'recurrent_kernel'), bias: take(layer, 'bias'), units: kernel.shape[1] / 4 });
      return;
    }
    case 'Dense': {
      const activation = config.activation ?? 'linear';
      if (activation !== 'softmax' && !DENSE_ACTIVATIONS.has(activation)) {
        throw new Error(`${source}: Dense ${name} has unsupported activation ${activation}`);
      }
      stack.dense.push({ kernel: take(layer, 'kernel'), bias: config.use_bias === false ? null : take(layer, 'bias'), activation });
      return;
    }
    case 'Activation':
      if (config.activation !== 'softmax') throw new Error(`${source}: unexpected final activation ${config.activation}`);
      return;
    default:
      throw new Error(`${source}: unsupported layer ${kind} (${name})`);
  }
}

export function disposeStack(stack) {
  for (const layer of stack.lstms) dispose([layer.kernel, layer.recurrentKernel, layer.bias, layer.stacked]);
  for (const layer of stack.dense) dispose([layer.kernel, layer.bias]);
}
