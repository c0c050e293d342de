"""Install restorekit: ``pip install -e ".[tests]"`` (see the Makefile)."""

from pathlib import Path

from setuptools import find_packages, setup

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
        "plot": ["matplotlib"],
        "lmdb": ["lmdb"],
    },
    classifiers=[
        "Programming Language :: Python :: 3",
        "Topic :: Scientific/Engineering :: Image Processing",
    ],
)
