"""Executes one notebook through Jupyter's own client (nbclient), as JupyterLab and VS Code's Jupyter extension do.

Usage: python3 execute_notebook.py KERNEL_NAME WORKING_DIR CELL_TIMEOUT_SECONDS IN.ipynb OUT.ipynb

Every cell runs, errors included (the caller judges them: a raises-exception cell must fail, any other must not);
cells tagged skip-execution are not run, as nbclient does by default. The kernel starts in WORKING_DIR, the
notebook's own folder in the editor. The kernelspec is looked up on the usual Jupyter path (JUPYTER_DATA_DIR).
"""
import sys

import nbformat
from nbclient import NotebookClient


def main(kernel_name, working_dir, timeout, source, target):
    notebook = nbformat.read(source, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name=kernel_name,
        timeout=int(float(timeout)),
        startup_timeout=300,
        allow_errors=True,
        resources={"metadata": {"path": working_dir}},
    )
    client.execute()
    nbformat.write(notebook, target)


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    main(*sys.argv[1:])
