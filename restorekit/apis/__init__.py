"""Inference APIs: build a model, deblur images of any size, fast CPU and ONNX paths."""

from .auto_backend import AutoNetwork
from .fast_inference import FastGenerator, fold_conv_bn, prepare_fast_generator
from .inference import deblur, deblur_tensor, load_image
from .inference_model import InferenceModel
from .model_loading import CheckpointMismatchError, init_model, model_size_divisor
from .norm_rewrite import rewrite_batch_stats_norms

__all__ = [
    "AutoNetwork",
    "CheckpointMismatchError",
    "FastGenerator",
    "InferenceModel",
    "deblur",
    "deblur_tensor",
    "fold_conv_bn",
    "init_model",
    "load_image",
    "model_size_divisor",
    "prepare_fast_generator",
    "rewrite_batch_stats_norms",
]
