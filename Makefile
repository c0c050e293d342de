# restorekit: `make demo` and `make test` work on a fresh machine (they install first).
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip
# torch and torchvision are installed first as a matched pair: PyPI only has CUDA builds of
# torchvision, and they run on CPU. Override with `make test TORCH_PKGS="torch torchvision"`.
TORCH_PKGS ?= torch==2.14.1 torchvision==0.29.2
PYTEST_ARGS ?= -n 2

.PHONY: install demo test lint

install:
	$(PIP) install $(TORCH_PKGS)
	$(PIP) install -e ".[tests,onnx,openvino,plot,lmdb]"

demo: install
	$(PYTHON) tools/demo.py

test: install
	$(PYTHON) -m ruff check .
	$(PYTHON) -m pytest $(PYTEST_ARGS) tests

lint:
	$(PYTHON) -m ruff check .
