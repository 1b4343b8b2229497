"""Trains the churn model with scikit-learn and writes it as ONNX with onnx.helper.

There is no skl2onnx in Debian, and a logistic regression is small enough to write by hand: the graph
has one input per feature column (as MLflow's ONNX flavour does), one-hot encodes `plan`, imputes
missing numbers with the training mean, scales, and applies MatMul + Add + Sigmoid. The same graph as
steps/train.mjs, so both variants are evaluated, registered and served the same way.
"""
import mlpipe
import numpy as np
import onnx
from onnx import TensorProto, helper
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss

NUMERIC = ["events_30d", "spend_30d", "age"]
PLANS = ["free", "pro", "team"]
LABEL = "churned"

params = mlpipe.params()
C = float(params.get("C", 1.0))
table = mlpipe.read_table("train_rows.rows")
n = len(table[LABEL])

raw = np.array([[np.nan if v is None else float(v) for v in table[c]] for c in NUMERIC]).T
mean = np.nanmean(raw, axis=0)
std = np.nanstd(raw, axis=0)
std[std == 0] = 1.0
numeric = (np.where(np.isnan(raw), mean, raw) - mean) / std
onehot = np.array([[1.0 if p == plan else 0.0 for plan in PLANS] for p in table["plan"]])
X = np.hstack([numeric, onehot])
y = np.array(table[LABEL], dtype=float)

mlpipe.log_params({"rows": n, "C": C, "solver": "lbfgs"})
# A short regularization path, logged as a curve (the last point is the model kept).
for i, c in enumerate([C / 100, C / 10, C]):
    clf = LogisticRegression(C=c, max_iter=1000).fit(X, y)
    mlpipe.log_metric("train_log_loss", log_loss(y, clf.predict_proba(X)[:, 1]), step=i)
print(f"fitted on {n} rows: coefficients {np.round(clf.coef_[0], 3).tolist()}, intercept {clf.intercept_[0]:.3f}")

width = len(NUMERIC) + len(PLANS)
center = np.concatenate([mean, np.zeros(len(PLANS))]).astype(np.float32)
scale = np.concatenate([std, np.ones(len(PLANS))]).astype(np.float32)


def column(name, elem):
    return helper.make_tensor_value_info(name, elem, ["N", 1])


graph = helper.make_graph(
    [
        helper.make_node("OneHotEncoder", ["plan"], ["plan_onehot_3d"], domain="ai.onnx.ml", cats_strings=PLANS, zeros=1),
        helper.make_node("Reshape", ["plan_onehot_3d", "onehot_shape"], ["plan_onehot"]),
        helper.make_node("Concat", NUMERIC + ["plan_onehot"], ["x"], axis=1),
        helper.make_node("IsNaN", ["x"], ["x_missing"]),
        helper.make_node("Where", ["x_missing", "center", "x"], ["x_imputed"]),
        helper.make_node("Sub", ["x_imputed", "center"], ["x_centered"]),
        helper.make_node("Div", ["x_centered", "scale"], ["x_scaled"]),
        helper.make_node("MatMul", ["x_scaled", "weights"], ["logit_raw"]),
        helper.make_node("Add", ["logit_raw", "bias"], ["logit"]),
        helper.make_node("Sigmoid", ["logit"], ["probability"]),
    ],
    "churn_logistic_regression_sklearn",
    [column(c, TensorProto.FLOAT) for c in NUMERIC] + [column("plan", TensorProto.STRING)],
    [column("probability", TensorProto.FLOAT)],
    initializer=[
        helper.make_tensor("center", TensorProto.FLOAT, [1, width], center.tolist()),
        helper.make_tensor("scale", TensorProto.FLOAT, [1, width], scale.tolist()),
        helper.make_tensor("weights", TensorProto.FLOAT, [width, 1], clf.coef_[0].astype(np.float32).tolist()),
        helper.make_tensor("bias", TensorProto.FLOAT, [1], [float(clf.intercept_[0])]),
        helper.make_tensor("onehot_shape", TensorProto.INT64, [2], [-1, len(PLANS)]),
    ],
)
model = helper.make_model(
    graph, producer_name="mlpipe-sample-churn-sklearn",
    opset_imports=[helper.make_opsetid("", 15), helper.make_opsetid("ai.onnx.ml", 1)],
)
model.ir_version = 8
helper.set_model_props(model, {"mlpipe.label": LABEL, "mlpipe.trained_rows": str(n)})
onnx.checker.check_model(model)
onnx.save(model, mlpipe.output_path("model"))
print(f"wrote {mlpipe.output_path('model')}")
