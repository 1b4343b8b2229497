// Trains the churn model: logistic regression by full-batch gradient descent, in plain JavaScript, and
// writes it as ONNX (onnx-proto) so MLPipe can evaluate, register, score and serve it with onnxruntime.
//
// Input: the training rows (CSV with the training set's columns). Params: lr, epochs.
// The model takes one input per feature column (as MLflow's ONNX flavour does), so requests and batch
// files name columns, not positions: events_30d, spend_30d, age (float) and plan (text, one-hot inside
// the graph). Missing numbers are imputed with the training mean inside the graph too.
import { writeFileSync } from 'node:fs';
import * as mlpipe from 'mlpipe/sdk';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const NUMERIC = ['events_30d', 'spend_30d', 'age'];
const PLANS = ['free', 'pro', 'team'];
const LABEL = 'churned';

const { lr = 0.05, epochs = 200 } = mlpipe.params();
const table = mlpipe.readTable('train_rows.rows');
const n = table.rows;
if (!n) throw new Error('no training rows');
mlpipe.logParams({ rows: n, features: NUMERIC.length + PLANS.length });

// Standardise numeric columns with the training mean/std; missing values take the mean (0 after scaling).
const mean = NUMERIC.map((c) => avg(table.data[c].filter((v) => v !== null)));
const std = NUMERIC.map((c, j) => Math.sqrt(avg(table.data[c].filter((v) => v !== null).map((v) => (v - mean[j]) ** 2))) || 1);
const width = NUMERIC.length + PLANS.length;
const X = new Float64Array(n * width);
const y = new Float64Array(n);
for (let i = 0; i < n; i++) {
  NUMERIC.forEach((c, j) => {
    const v = table.data[c][i];
    X[i * width + j] = v === null ? 0 : (v - mean[j]) / std[j];
  });
  const p = PLANS.indexOf(table.data.plan[i]);
  if (p >= 0) X[i * width + NUMERIC.length + p] = 1;
  y[i] = Number(table.data[LABEL][i]);
}

// Gradient descent on the log loss.
const w = new Float64Array(width);
let b = 0;
for (let epoch = 1; epoch <= epochs; epoch++) {
  const gw = new Float64Array(width);
  let gb = 0;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let z = b;
    for (let j = 0; j < width; j++) z += w[j] * X[i * width + j];
    const p = 1 / (1 + Math.exp(-z));
    const d = p - y[i];
    for (let j = 0; j < width; j++) gw[j] += d * X[i * width + j];
    gb += d;
    loss -= y[i] ? Math.log(Math.max(p, 1e-15)) : Math.log(Math.max(1 - p, 1e-15));
  }
  for (let j = 0; j < width; j++) w[j] -= (lr * gw[j]) / n;
  b -= (lr * gb) / n;
  mlpipe.logMetric('loss', loss / n, epoch);
  if (epoch % 50 === 0 || epoch === epochs) console.log(`epoch ${epoch}: loss ${(loss / n).toFixed(4)}`);
}

// The graph: concat(events_30d, spend_30d, age, onehot(plan)) → impute → scale → MatMul + Add → Sigmoid.
const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;
const column = (name, type) => ({ name, type: { tensorType: { elemType: type, shape: { dim: [{ dimParam: 'N' }, { dimValue: 1 }] } } } });
const floats = (name, dims, values) => ({ name, dataType: T.FLOAT, dims, floatData: Array.from(values) });
const center = [...mean, ...PLANS.map(() => 0)];
const scale = [...std, ...PLANS.map(() => 1)];
const graph = {
  name: 'churn_logistic_regression',
  node: [
    { opType: 'OneHotEncoder', domain: 'ai.onnx.ml', input: ['plan'], output: ['plan_onehot_3d'],
      attribute: [{ name: 'cats_strings', type: A.STRINGS, strings: PLANS.map((p) => Buffer.from(p)) }, { name: 'zeros', type: A.INT, i: 1 }] },
    { opType: 'Reshape', input: ['plan_onehot_3d', 'onehot_shape'], output: ['plan_onehot'] },
    { opType: 'Concat', input: [...NUMERIC, 'plan_onehot'], output: ['x'], attribute: [{ name: 'axis', type: A.INT, i: 1 }] },
    { opType: 'IsNaN', input: ['x'], output: ['x_missing'] },
    { opType: 'Where', input: ['x_missing', 'center', 'x'], output: ['x_imputed'] },
    { opType: 'Sub', input: ['x_imputed', 'center'], output: ['x_centered'] },
    { opType: 'Div', input: ['x_centered', 'scale'], output: ['x_scaled'] },
    { opType: 'MatMul', input: ['x_scaled', 'weights'], output: ['logit_raw'] },
    { opType: 'Add', input: ['logit_raw', 'bias'], output: ['logit'] },
    { opType: 'Sigmoid', input: ['logit'], output: ['probability'] },
  ],
  initializer: [
    floats('center', [1, width], center), floats('scale', [1, width], scale), floats('weights', [width, 1], w), floats('bias', [1], [b]),
    { name: 'onehot_shape', dataType: T.INT64, dims: [2], int64Data: [-1, PLANS.length] },
  ],
  input: [...NUMERIC.map((c) => column(c, T.FLOAT)), column('plan', T.STRING)],
  output: [column('probability', T.FLOAT)],
};
const model = onnx.ModelProto.create({
  irVersion: 8, producerName: 'mlpipe-sample-churn', producerVersion: '1',
  opsetImport: [{ domain: '', version: 15 }, { domain: 'ai.onnx.ml', version: 1 }],
  metadataProps: [{ key: 'mlpipe.label', value: LABEL }, { key: 'mlpipe.trained_rows', value: String(n) }],
  graph,
});
writeFileSync(mlpipe.outputPath('model'), onnx.ModelProto.encode(model).finish());
console.log(`wrote ${mlpipe.outputPath('model')}: weights ${Array.from(w, (v) => v.toFixed(3)).join(', ')}, bias ${b.toFixed(3)}`);

function avg(xs) {
  return xs.length ? xs.reduce((a, v) => a + v, 0) / xs.length : 0;
}
