import { writeFileSync } from 'node:fs';
import { onnx } from 'onnx-proto';

const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;
const column = (name: string, type: number) => ({ name, type: { tensorType: { elemType: type, shape: { dim: [{ dimParam: 'N' }, { dimValue: 1 }] } } } });

/**
 * A small logistic model with one input per column, like the churn sample's: p = sigmoid(w·[age, onehot(plan)] + b).
 * The expected probability is easy to compute by hand in a test (`expectedProbability`).
 */
export function writeLogisticModel(path: string, w = { age: 0.05, free: -1, pro: 0, team: 1 }, b = -2): void {
  const graph = {
    name: 'test_logistic',
    node: [
      { opType: 'OneHotEncoder', domain: 'ai.onnx.ml', input: ['plan'], output: ['plan3'], attribute: [{ name: 'cats_strings', type: A.STRINGS, strings: ['free', 'pro', 'team'].map((p) => Buffer.from(p)) }, { name: 'zeros', type: A.INT, i: 1 }] },
      { opType: 'Reshape', input: ['plan3', 'shape'], output: ['plan_oh'] },
      { opType: 'Concat', input: ['age', 'plan_oh'], output: ['x'], attribute: [{ name: 'axis', type: A.INT, i: 1 }] },
      { opType: 'MatMul', input: ['x', 'w'], output: ['z0'] },
      { opType: 'Add', input: ['z0', 'b'], output: ['z'] },
      { opType: 'Sigmoid', input: ['z'], output: ['probability'] },
    ],
    initializer: [
      { name: 'w', dataType: T.FLOAT, dims: [4, 1], floatData: [w.age, w.free, w.pro, w.team] },
      { name: 'b', dataType: T.FLOAT, dims: [1], floatData: [b] },
      { name: 'shape', dataType: T.INT64, dims: [2], int64Data: [-1, 3] },
    ],
    input: [column('age', T.FLOAT), column('plan', T.STRING)],
    output: [column('probability', T.FLOAT)],
  };
  const model = onnx.ModelProto.create({
    irVersion: 8, producerName: 'mlpipe-test', opsetImport: [{ domain: '', version: 15 }, { domain: 'ai.onnx.ml', version: 1 }],
    metadataProps: [{ key: 'mlpipe.label', value: 'y' }], graph,
  });
  writeFileSync(path, onnx.ModelProto.encode(model).finish());
}

export function expectedProbability(age: number, plan: string, w = { age: 0.05, free: -1, pro: 0, team: 1 }, b = -2): number {
  const z = w.age * age + (plan === 'free' ? w.free : plan === 'pro' ? w.pro : plan === 'team' ? w.team : 0) + b;
  return 1 / (1 + Math.exp(-z));
}

/** A model with one wide input [N, 3] (a plain feature vector): y = x · [1, 2, 3]. */
export function writeWideModel(path: string): void {
  const model = onnx.ModelProto.create({
    irVersion: 8, producerName: 'mlpipe-test', opsetImport: [{ domain: '', version: 15 }],
    graph: {
      name: 'wide',
      node: [{ opType: 'MatMul', input: ['x', 'w'], output: ['y'] }],
      initializer: [{ name: 'w', dataType: T.FLOAT, dims: [3, 1], floatData: [1, 2, 3] }],
      input: [{ name: 'x', type: { tensorType: { elemType: T.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: 3 }] } } } }],
      output: [{ name: 'y', type: { tensorType: { elemType: T.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: 1 }] } } } }],
    },
  });
  writeFileSync(path, onnx.ModelProto.encode(model).finish());
}
