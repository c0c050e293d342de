"""Sample grids go through mmengine's Visualizer: TensorBoard's event file receives images."""

from __future__ import annotations

import numpy as np
import torch
from kit import load_tool

from restorekit.engine.hooks.visualization_hook import HEADER, make_grid


def test_grid_has_caption_row_and_side_by_side_tiles():
    a, b = torch.zeros(3, 10, 12), torch.ones(3, 8, 12)
    grid = make_grid([a, b], ["input", "pred"], "val iter 2", gap=4)
    assert grid.shape == (HEADER + 10, 12 + 4 + 12, 3)
    assert (grid[HEADER:, :12] == 0).all() and (grid[HEADER:HEADER + 8, 16:] == 255).all()
    assert (grid[:HEADER] < 255).any()  # caption and labels are drawn


def test_two_iterations_with_tensorboard_write_images(tmp_path, tiny_pairs, make_tiny_config):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    train = load_tool("train")
    config = make_tiny_config(tiny_pairs, tmp_path / "unused", max_iters=2)
    work = tmp_path / "work"
    train.main([config, "--work-dir", str(work), "--cfg-options",
                "visualizer.vis_backends.0.type=TensorboardVisBackend"])
    events = list(work.glob("*/vis_data/events.out.tfevents.*"))
    assert events, "no TensorBoard event file"
    acc = EventAccumulator(str(events[0].parent), size_guidance={"images": 0})
    acc.Reload()
    tags = acc.Tags()["images"]
    assert tags and all(t.startswith("val_") for t in tags)
    image = acc.Images(tags[0])[0]
    assert image.step == 2 and image.width > 3 * 32 and image.height > 32
    assert np.frombuffer(image.encoded_image_string[:8], np.uint8)[1:4].tobytes() == b"PNG"
