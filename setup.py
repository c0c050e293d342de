"""Install restorekit: ``pip install -e ".[tests]"`` (see the Makefile).

A wheel (``pip wheel .``) also carries ``configs/`` and ``tools/`` as
``restorekit/.mim/configs`` and ``restorekit/.mim/tools`` (mmagic's ``.mim`` layout), copied
at build time so git holds one copy. They back ``restorekit::<config>`` references
(restorekit/utils/config_refs.py) and the ``restorekit`` console command
(restorekit/cli/main.py) outside a source checkout. Editable installs read the checkout.
"""

import shutil
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

#: source folder -> file patterns shipped under restorekit/.mim/<folder>
MIM_FOLDERS = {"configs": ("*.py",), "tools": ("*.py", "*.sh")}


class BuildPyWithMim(build_py):
    """``build_py`` that also copies ``configs/`` and ``tools/`` into ``restorekit/.mim``."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads configs/ and tools/ of the checkout
        here = Path(__file__).resolve().parent
        for folder, patterns in MIM_FOLDERS.items():
            dest_root = Path(self.build_lib) / "restorekit" / ".mim" / folder
            shutil.rmtree(dest_root, ignore_errors=True)
            for pattern in patterns:
                for src in (here / folder).rglob(pattern):
                    if "__pycache__" in src.parts:
                        continue
                    dest = dest_root / src.relative_to(here / folder)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(src, dest)


version: dict = {}
exec(Path("restorekit/version.py").read_text(), version)

setup(
    name="restorekit",
    version=version["__version__"],
    description="A PyTorch toolkit for learned image deblurring (DBGAN/BGAN, DeblurGAN-v2)",
    long_description=Path("README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.9",
    packages=find_packages(include=["restorekit", "restorekit.*"]),
    package_data={"restorekit.evaluation.functional": ["niqe_pris_params.npz"]},
    cmdclass={"build_py": BuildPyWithMim},
    entry_points={"console_scripts": ["restorekit = restorekit.cli.main:main"]},
    install_requires=[
        # 2.4: torch.serialization.add_safe_globals, which checkpoint loading with
        # weights_only=True and mmengine's HistoryBuffer needs (docs/reliability.md)
        "torch>=2.4",
        "torchvision>=0.19",
        "timm>=0.9",
        "mmengine>=0.10,<0.11",
        "mmcv-lite>=2.0",
        "lpips>=0.1.4",
        "scikit-image>=0.21",
        "opencv-python-headless>=4.7",
        "addict",
        "numpy",
        "tqdm",
    ],
    extras_require={
        "tests": ["pytest>=7", "pytest-xdist", "ruff>=0.4", "tensorboard"],
        "tensorboard": ["tensorboard"],
        "wandb": ["wandb"],
        "onnx": ["onnx", "onnxruntime"],
        "openvino": ["onnx", "openvino"],
        "plot": ["matplotlib"],
        "lmdb": ["lmdb"],
    },
    classifiers=[
        "Programming Language :: Python :: 3",
        "Topic :: Scientific/Engineering :: Image Processing",
    ],
)
