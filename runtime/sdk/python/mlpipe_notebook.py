"""Executes a notebook for an MLPipe `notebook` step, the way papermill does: the step's params are
injected as a new code cell (tagged ``injected-parameters``) right after the cell tagged ``parameters``
(the notebook's defaults), or as the first cell when there is none; cells run in order on the named
kernel, and the executed notebook is written to the output path even when a cell fails, so it can be
opened to see what happened. A failing cell fails the step and is named (number, first line, error).

    python3 mlpipe_notebook.py NOTEBOOK OUTPUT KERNEL
"""
import json
import os
import sys
import warnings

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main():
    src, out, kernel = sys.argv[1], sys.argv[2], sys.argv[3]
    # Older notebooks lack cell ids: nbformat warns at every read; they get ids below instead.
    warnings.filterwarnings("ignore", message=".*missing an id field.*")
    nb = nbformat.read(src, as_version=4)
    for c in nb.cells:
        c.setdefault("id", os.urandom(4).hex())
    params = json.loads(os.environ.get("MLPIPE_PARAMS") or "{}")
    lines = ["# Parameters injected by mlpipe"] + [f"{k} = {v!r}" for k, v in params.items()]
    cell = nbformat.v4.new_code_cell("\n".join(lines))
    cell.metadata["tags"] = ["injected-parameters"]
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    at = tagged[0] + 1 if tagged else 0
    nb.cells.insert(at, cell)
    # ipykernel's debugger warns about frozen modules at every start; it is noise in a step's log.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    def echo(cell, cell_index, **_):
        # Each cell's printed output goes to the step's log as soon as the cell is done.
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                (sys.stderr if o.get("name") == "stderr" else sys.stdout).write(o.get("text", ""))
        sys.stdout.flush()

    client = NotebookClient(
        nb, kernel_name=kernel, timeout=None, resources={"metadata": {"path": os.getcwd()}}, on_cell_executed=echo,
    )
    failed = None
    try:
        client.execute()
    except CellExecutionError as e:
        failed = e
    finally:
        nbformat.write(nb, out)
    if failed is not None:
        # Cell numbers count the notebook's own cells from 1 (the injected one is not counted).
        own = [c for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
        for index, c in enumerate(own, start=1):
            errors = [o for o in c.get("outputs", []) if o.get("output_type") == "error"]
            if errors:
                first = (c.source.strip().splitlines() or [""])[0][:80]
                err = errors[0]
                print(f"mlpipe: cell {index} failed ({first!r}): {err.get('ename')}: {err.get('evalue')}", file=sys.stderr)
                break
        else:
            print(f"mlpipe: the notebook failed: {failed}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
