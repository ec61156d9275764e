/**
 * Check an exported model the way a user would run it: load the .onnx bytes in a plain ONNX Runtime
 * session (no naskit graph involved) and compare its logits with naskit's own inference forward.
 */
import * as ort from 'onnxruntime-node';
import type { NetworkSpec } from '../graph/network.js';
import { Forward, type ParamSource } from './train-program.js';

export async function exportParity(
  bytes: Uint8Array,
  net: NetworkSpec,
  params: ParamSource,
  input: Float32Array,
  batch: number,
): Promise<{ maxAbsDiff: number; maxAbsLogit: number }> {
  const session = await ort.InferenceSession.create(bytes);
  const forward = await Forward.create(net, { batch });
  try {
    const out = await session.run({ input: new ort.Tensor('float32', input, [batch, ...net.inputShape]) });
    const exported = out.logits!.data as Float32Array;
    const ours = await forward.run(params, input);
    let maxAbsDiff = 0;
    let maxAbsLogit = 0;
    for (let i = 0; i < ours.length; i++) {
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(ours[i]! - exported[i]!));
      maxAbsLogit = Math.max(maxAbsLogit, Math.abs(ours[i]!));
    }
    return { maxAbsDiff, maxAbsLogit };
  } finally {
    await session.release();
    await forward.release();
  }
}
