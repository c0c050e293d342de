"""A CheckpointHook that never loses the last good checkpoint.

mmengine's ``CheckpointHook`` deletes the oldest checkpoint (``max_keep_ckpts``) *before* it
writes the new one, and then writes ``last_checkpoint`` in place. A kill during the save
therefore left no checkpoint at all with ``max_keep_ckpts=1``, and ``last_checkpoint`` naming a
deleted file. :class:`SafeCheckpointHook` orders the steps so that every moment on disk has a
complete, loadable checkpoint that ``last_checkpoint`` names:

1. write the new checkpoint atomically (temp file + fsync + rename; the ``atomic_local``
   backend is the default here);
2. rewrite ``last_checkpoint`` atomically to name it;
3. only then delete the checkpoints beyond ``max_keep_ckpts``.

It also stores the model's weights without DDP wrapper prefixes (``generator.x``, not
``generator.module.x``): mmengine saves ``model.state_dict()``, whose wrapped sub-module keys
matched nothing when loaded, so a DDP-trained checkpoint resumed or tested with random weights.

It is registered as ``SafeCheckpointHook`` and, in the ``restorekit`` scope, also as
``CheckpointHook``, so every config with ``default_scope = 'restorekit'`` gets it for
``default_hooks.checkpoint`` without naming it. ``save_best`` keeps mmengine's behaviour
(best checkpoints are extra files; the periodic ones above are what ``--resume`` uses).
"""

from __future__ import annotations

import os.path as osp

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook

from restorekit.registry import HOOKS

from ..atomic_backend import atomic_write_bytes


@HOOKS.register_module(name=["SafeCheckpointHook", "CheckpointHook"])
class SafeCheckpointHook(CheckpointHook):
    """:class:`mmengine.hooks.CheckpointHook` with crash-safe ordering (see module docstring).

    Arguments are mmengine's; ``backend_args`` defaults to ``dict(backend='atomic_local')``
    when neither it nor ``file_client_args`` is given and ``out_dir`` is local.
    """

    def __init__(self, *args, **kwargs) -> None:
        if (kwargs.get("backend_args") is None and kwargs.get("file_client_args") is None
                and "://" not in str(kwargs.get("out_dir") or "")):
            kwargs["backend_args"] = dict(backend="atomic_local")
        super().__init__(*args, **kwargs)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Replace ``state_dict`` with mmengine's wrapper-free ``get_state_dict``."""
        from mmengine.model import is_model_wrapper
        from mmengine.runner.checkpoint import get_state_dict, weights_to_cpu

        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        checkpoint["state_dict"] = weights_to_cpu(get_state_dict(model))

    def _save_checkpoint_with_step(self, runner, step, meta):
        outdated: list[int] = []
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids
                                            and self.keep_ckpt_ids[-1] == step):
            # keep_ckpt_ids is a deque with maxlen: pop explicitly, delete after the save
            while len(self.keep_ckpt_ids) >= self.max_keep_ckpts:
                outdated.append(self.keep_ckpt_ids.popleft())
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info("keep_ckpt_ids", list(self.keep_ckpt_ids))

        ckpt_filename = self.filename_tmpl.format(step)
        self.last_ckpt = self.file_backend.join_path(self.out_dir, ckpt_filename)
        runner.message_hub.update_info("last_ckpt", self.last_ckpt)
        runner.save_checkpoint(
            self.out_dir,
            ckpt_filename,
            self.file_client_args,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            meta=meta,
            by_epoch=self.by_epoch,
            backend_args=self.backend_args,
            **self.args,
        )
        if not is_main_process():
            return
        # the new checkpoint is complete: point at it, then drop the outdated ones
        atomic_write_bytes(str(self.last_ckpt).encode(),
                           osp.join(runner.work_dir, "last_checkpoint"))
        for old_step in outdated:
            if old_step == step:
                continue
            path = self.file_backend.join_path(self.out_dir, self.filename_tmpl.format(old_step))
            if self.file_backend.isfile(path):
                self.file_backend.remove(path)
            elif self.file_backend.isdir(path):  # deepspeed writes folders
                self.file_backend.rmtree(path)
