"""Executes a notebook for an MLPipe `notebook` step, the way papermill does: the step's params are
injected as a new first code cell (tagged ``injected-parameters``), cells run in order on the named
kernel, and the executed notebook is written to the output path even when a cell fails, so it can be
opened to see what happened. A failing cell fails the step and is named (number, first line, error).

    python3 mlpipe_notebook.py NOTEBOOK OUTPUT KERNEL
"""
import json
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main():
    src, out, kernel = sys.argv[1], sys.argv[2], sys.argv[3]
    nb = nbformat.read(src, as_version=4)
    params = json.loads(os.environ.get("MLPIPE_PARAMS") or "{}")
    lines = ["# Parameters injected by mlpipe"] + [f"{k} = {v!r}" for k, v in params.items()]
    cell = nbformat.v4.new_code_cell("\n".join(lines))
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(0, cell)
    client = NotebookClient(nb, kernel_name=kernel, timeout=None, resources={"metadata": {"path": os.getcwd()}})
    failed = None
    try:
        client.execute()
    except CellExecutionError as e:
        failed = e
    finally:
        nbformat.write(nb, out)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    for c in code_cells:
        for o in c.get("outputs", []):
            if o.get("output_type") == "stream":
                sys.stdout.write(o.get("text", ""))
    if failed is not None:
        # Cell numbers count the notebook's own cells from 1 (the injected one is not counted).
        for index, c in enumerate(nb.cells):
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
