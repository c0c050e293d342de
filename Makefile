# restorekit: `make demo` and `make test` work on a fresh machine (they install first).
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip
# torch is installed first and pinned so that pip does not pull a multi-GB CUDA build when a
# CPU wheel is at hand; override on a GPU box, e.g. `make test TORCH_PKGS="torch torchvision"`.
TORCH_PKGS ?= torch==2.13.0 torchvision==0.28.0
PYTEST_ARGS ?= -n 2

.PHONY: install demo test lint

install:
	$(PIP) install $(TORCH_PKGS)
	$(PIP) install -e ".[tests,onnx,plot]"

demo: install
	$(PYTHON) tools/demo.py

test: install
	$(PYTHON) -m ruff check .
	$(PYTHON) -m pytest $(PYTEST_ARGS) tests

lint:
	$(PYTHON) -m ruff check .
