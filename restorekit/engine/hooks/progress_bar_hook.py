"""tqdm progress bars for the train, val and test loops."""

from __future__ import annotations

from mmengine.dist import is_main_process
from mmengine.hooks import Hook

from restorekit.registry import HOOKS


@HOOKS.register_module()
class ProgressBarHook(Hook):
    """One tqdm bar (stderr, main process only) per train run and per val / test pass.

    ``tools/test.py`` adds it for the test pass and ``make demo`` for training; the bars
    replace the iteration log lines when the console is quiet
    (:func:`restorekit.engine.console.build_runner`).

    Args:
        train: bar over the remaining training iterations.
        val: bar over each validation pass (removed when it ends).
        test: bar over the test pass.
        desc: label of the training bar (default: the model's class name).
    """

    priority = "VERY_LOW"

    def __init__(self, train: bool = True, val: bool = True, test: bool = True,
                 desc: str | None = None) -> None:
        self.enabled = {"train": train, "val": val, "test": test}
        self.desc = desc
        self._bars: dict = {}

    def _open(self, phase: str, total: int, desc: str, leave: bool = True) -> None:
        if self.enabled[phase] and is_main_process():
            from tqdm import tqdm

            self._bars[phase] = tqdm(total=total, desc=desc, unit="it" if phase == "train"
                                     else "img", leave=leave, dynamic_ncols=True)

    def _step(self, phase: str, n: int = 1) -> None:
        if phase in self._bars:
            self._bars[phase].update(n)

    def _close(self, phase: str) -> None:
        bar = self._bars.pop(phase, None)
        if bar is not None:
            bar.close()

    def before_train(self, runner) -> None:
        model = getattr(runner.model, "module", runner.model)
        self._open("train", max(0, runner.max_iters - runner.iter),
                   self.desc or f"train {type(model).__name__}")

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        self._step("train")

    def after_train(self, runner) -> None:
        self._close("train")

    def before_val_epoch(self, runner) -> None:
        self._open("val", len(runner.val_dataloader.dataset), "val", leave=False)

    def after_val_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        self._step("val", len(outputs or [None]))

    def after_val_epoch(self, runner, metrics=None) -> None:
        self._close("val")

    def before_test_epoch(self, runner) -> None:
        self._open("test", len(runner.test_dataloader.dataset), "test")

    def after_test_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        self._step("test", len(outputs or [None]))

    def after_test_epoch(self, runner, metrics=None) -> None:
        self._close("test")
