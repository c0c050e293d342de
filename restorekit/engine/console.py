"""What mmengine's Runner prints on the console, and progress bars instead of log lines.

mmengine logs the system environment, the whole config and the hook order at INFO when a
Runner is built: hundreds of lines before the first iteration. :func:`build_runner` builds the
Runner with one of three console policies; the log file (``<work_dir>/<timestamp>/*.log``)
always keeps everything:

- ``'default'`` (the tools): the environment / config / hook dumps and mmengine's notices
  about its own deprecated internals ("FileClient will be deprecated") are filtered from the
  console, training and test log lines stay;
- ``'quiet'`` (``make demo``): as ``'default'``, and only warnings and errors; add
  :class:`~restorekit.engine.hooks.ProgressBarHook` for progress;
- ``'verbose'`` (``--verbose``): mmengine's behaviour, everything on the console.
"""

from __future__ import annotations

import logging

from mmengine.runner import Runner

CONSOLE_MODES = ("default", "quiet", "verbose")
#: first words of the INFO records that ``'default'`` keeps off the console
DUMP_HEADERS = ("System environment:", "Config:", "Hooks will be executed in the following order")
#: mmengine's notices about its own internals, which a restorekit user cannot act on
INTERNAL_NOTICES = ("will be deprecated in future",)


class DumpFilter(logging.Filter):
    """Drops mmengine's environment, config and hook-order dumps (:data:`DUMP_HEADERS`) and
    its deprecation notices about its own internals (:data:`INTERNAL_NOTICES`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = str(record.msg)
        if any(notice in text for notice in INTERNAL_NOTICES):
            return False
        return not text.lstrip("-\n ")[:80].startswith(DUMP_HEADERS)


def configure_console(logger: logging.Logger, mode: str) -> None:
    """Apply console policy ``mode`` to ``logger``'s console handlers (file handlers kept)."""
    if mode not in CONSOLE_MODES:
        raise ValueError(f"console mode must be one of {CONSOLE_MODES}, got {mode!r}")
    for handler in logger.handlers:
        if not isinstance(handler, logging.StreamHandler) or isinstance(
                handler, logging.FileHandler):
            continue
        if mode == "verbose":
            continue
        if mode == "quiet":
            handler.setLevel(max(handler.level, logging.WARNING))
        if not any(isinstance(f, DumpFilter) for f in handler.filters):
            handler.addFilter(DumpFilter())


class ConsoleRunner(Runner):
    """mmengine's Runner whose logger follows :attr:`console_mode` from its creation on."""

    console_mode = "default"

    def build_logger(self, log_level="INFO", log_file=None, **kwargs):
        """mmengine's logger, then :func:`configure_console` with :attr:`console_mode`."""
        logger = super().build_logger(log_level=log_level, log_file=log_file, **kwargs)
        configure_console(logger, self.console_mode)
        return logger


_RUNNERS = {mode: type(f"{mode.title()}ConsoleRunner", (ConsoleRunner,), {"console_mode": mode})
            for mode in CONSOLE_MODES}


def build_runner(cfg, console: str = "default") -> Runner:
    """``Runner.from_cfg(cfg)`` with console policy ``console`` (see the module docstring)."""
    from restorekit.utils.optional import check_vis_backends

    if console not in _RUNNERS:
        raise ValueError(f"console must be one of {CONSOLE_MODES}, got {console!r}")
    check_vis_backends(cfg)
    return _RUNNERS[console].from_cfg(cfg)
