"""The MLPipe SDK for Python steps and notebooks: params, input and output paths, and logging of metrics,
params, tags and artifacts into the run. One file, standard library only; the runtime puts its folder on
PYTHONPATH, so a step just writes ``import mlpipe``::

    import mlpipe
    lr = mlpipe.params()["lr"]
    table = mlpipe.read_table("train_rows.rows")      # CSV/TSV/JSON lines → {column: [values]}
    mlpipe.log_metric("loss", 0.42, step=epoch)
    open(mlpipe.output_path("model"), "wb").write(model_bytes)

Outside a run (no MLPIPE_RUN_ID) everything still works: params are empty and logging goes nowhere.
"""
import atexit
import csv
import json
import os
import re
import time

__all__ = [
    "run_id", "step", "params", "param", "inputs", "input_path", "outputs", "output_path", "output_dir",
    "log_metric", "log_metrics", "log_param", "log_params", "set_tag", "log_artifact", "read_table",
    "read_dataframe", "flush",
]

run_id = os.environ.get("MLPIPE_RUN_ID")
step = os.environ.get("MLPIPE_STEP")


def _json_env(name, default):
    try:
        return json.loads(os.environ[name]) if os.environ.get(name) else default
    except ValueError:
        return default


def params():
    """The step's params: ``params { lr: learning_rate }`` → {"lr": 0.05} (durations in ms, sizes in bytes)."""
    return _json_env("MLPIPE_PARAMS", {})


def param(name, default=None):
    return params().get(name, default)


def inputs():
    """Input name → absolute path, names as written in ``inputs``: ``train_data``, ``train_rows.rows``."""
    return _json_env("MLPIPE_INPUTS", {})


def outputs():
    return _json_env("MLPIPE_OUTPUTS", {})


def _lookup(mapping, name, what):
    if name in mapping:
        return mapping[name]
    matches = [k for k in mapping if name in k.split(".")]
    if len(matches) == 1:
        return mapping[matches[0]]
    known = ", ".join(mapping) or "none"
    raise KeyError(f"mlpipe: no {what} named {name!r} ({what}s: {known})")


def input_path(name):
    """An input's path; ``name`` may be just the step or output name when that is unambiguous."""
    return _lookup(inputs(), name, "input")


def output_path(name):
    """Where to write a declared output: ``outputs { model: "model.onnx" }`` → output_path("model")."""
    return _lookup(outputs(), name, "output")


def output_dir():
    return os.environ.get("MLPIPE_OUTPUT_DIR", os.getcwd())


# ---- logging: records buffered and appended to the run's sink ----
_sink = os.environ.get("MLPIPE_SINK")
_buffer = []
_last_flush = time.monotonic()


def _write(record):
    global _last_flush
    if not _sink:
        return
    _buffer.append(json.dumps(record, separators=(",", ":")))
    # One write per batch, and at least every 0.2 s so the editor's live curve keeps up.
    if len(_buffer) >= 1000 or time.monotonic() - _last_flush > 0.2:
        flush()


def flush():
    """Writes buffered records now (also done automatically, and at exit)."""
    global _buffer, _last_flush
    _last_flush = time.monotonic()
    if not _buffer or not _sink:
        return
    text = "\n".join(_buffer) + "\n"
    _buffer = []
    with open(_sink, "a", encoding="utf-8") as f:
        f.write(text)


atexit.register(flush)


def log_metric(key, value, step=None):
    value = float(value)
    if value != value or value in (float("inf"), float("-inf")):
        return
    record = {"t": "metric", "key": str(key), "value": value, "ts": int(time.time() * 1000)}
    if step is not None:
        record["step"] = int(step)
    _write(record)


def log_metrics(values, step=None):
    for k, v in values.items():
        log_metric(k, v, step)


def log_param(key, value):
    if not isinstance(value, (int, float, bool)):
        value = str(value)
    _write({"t": "param", "key": str(key), "value": value})


def log_params(values):
    for k, v in values.items():
        log_param(k, v)


def set_tag(key, value):
    _write({"t": "tag", "key": str(key), "value": str(value)})


def log_artifact(path, name=None):
    """Records a file the step wrote as an artifact of the run (it should live in output_dir())."""
    _write({"t": "artifact", "name": name or os.path.basename(path), "path": os.path.abspath(path)})


# ---- reading tables without libraries ----
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def read_table(name_or_path):
    """Reads a CSV, TSV, JSON or JSON-lines input into {column: [values]} (numbers where a column holds
    only numbers, None for empty cells). Parquet needs pandas/pyarrow: use read_dataframe, or write the
    upstream output as .csv."""
    path = name_or_path if os.sep in name_or_path else input_path(name_or_path)
    ext = os.path.splitext(path)[1].lower()
    if ext in (".parquet", ".pq"):
        raise ValueError(f"mlpipe: {path} is Parquet; use mlpipe.read_dataframe (needs pandas and pyarrow) or write the upstream output as .csv")
    if ext in (".json", ".ndjson", ".jsonl"):
        with open(path, encoding="utf-8") as f:
            text = f.read().strip()
        records = json.loads(text) if text.startswith("[") else [json.loads(l) for l in text.splitlines() if l.strip()]
        columns = list(dict.fromkeys(k for r in records for k in r))
        return {c: [r.get(c) for r in records] for c in columns}
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter="\t" if ext == ".tsv" else ","))
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    table = {}
    for j, c in enumerate(header):
        raw = [r[j] if j < len(r) and r[j] != "" else None for r in body]
        if all(v is None or _NUMBER.match(v) for v in raw):
            table[c] = [None if v is None else float(v) if any(ch in v for ch in ".eE") else int(v) for v in raw]
        else:
            table[c] = raw
    return table


def read_dataframe(name_or_path):
    """A pandas DataFrame of an input (CSV, Parquet, JSON lines); needs pandas (and pyarrow for Parquet)."""
    import pandas as pd  # noqa: imported here so the SDK works without pandas

    path = name_or_path if os.sep in name_or_path else input_path(name_or_path)
    ext = os.path.splitext(path)[1].lower()
    if ext in (".parquet", ".pq"):
        return pd.read_parquet(path)
    if ext in (".json", ".ndjson", ".jsonl"):
        return pd.read_json(path, lines=ext != ".json")
    return pd.read_csv(path, sep="\t" if ext == ".tsv" else ",")
