"""Config mistakes through tools/train.py and tools/test.py: one line naming the file or key,
exit status 2, the full traceback only with --debug / RESTOREKIT_DEBUG=1."""

from __future__ import annotations

from pathlib import Path

import pytest
from reliability_helpers import assert_one_line_error, run

# case -> (extra argv, config text edit (old, new) or None, expected fragments)
CASES = {
    "unknown_type": ([], ("'type': 'RRDBNet'", "'type': 'RRDBNett'"), ["RRDBNett", "Did you mean"]),
    "misspelled_model_key": ([], ("'mid_channels': 8", "'mid_channel': 8"),
                             ["model.generator.mid_channel", "Did you mean: mid_channels"]),
    "misspelled_loop_key": (["--cfg-options", "train_cfg.max_iter=3"], None,
                            ["train_cfg.max_iter", "IterBasedTrainLoop"]),
    "max_iters_not_a_number": (["--cfg-options", "train_cfg.max_iters=abc"], None,
                               ["train_cfg.max_iters='abc'", "expected a number"]),
    "lr_not_a_number": (["--cfg-options", "optim_wrapper.generator.optimizer.lr=fast"], None,
                        ["optim_wrapper.generator.optimizer.lr", "expected a number"]),
    "syntax_error": ([], ("train_cfg = dict(", "train_cfg = dict((("), ["syntax error", "line"]),
    "missing_base": ([], ("_base_ = [", "_base_ = ['/nonexistent/base.py', "),
                     ["/nonexistent/base.py"]),
    "missing_data_root": ([], ("data_root = ", "data_root = '/nonexistent/data' or "),
                          ["/nonexistent/data"]),
    "bad_dist_timeout": (["--cfg-options", "env_cfg.dist_cfg.timeout=-5"], None,
                         ["env_cfg.dist_cfg.timeout", "positive"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_train_config_errors_are_one_line(case, tmp_path, trained, capsys):
    extra, edit, needles = CASES[case]
    config = trained["config"]
    if edit is not None:
        text = Path(config).read_text()
        assert edit[0] in text, edit
        config = tmp_path / "edited.py"
        config.write_text(text.replace(edit[0], edit[1], 1))
    res = run("train", [config, "--work-dir", tmp_path / "w", *extra], capsys)
    assert_one_line_error(res, *needles)
    if edit is not None and case not in ("missing_base", "missing_data_root"):
        assert "edited.py" in res.error_lines[0] or case in ("unknown_type",)


@pytest.mark.parametrize("argv_case", ["missing_config", "config_is_folder", "cfg_option_no_eq"])
def test_argument_errors(argv_case, tmp_path, trained, capsys):
    argv = {
        "missing_config": [tmp_path / "nope.py"],
        "config_is_folder": [tmp_path],
        "cfg_option_no_eq": [trained["config"], "--cfg-options", "train_cfg"],
    }[argv_case]
    res = run("train", argv, capsys)
    assert res.code == 2 and "Traceback" not in res.err
    needle = {"missing_config": "nope.py", "config_is_folder": "folder",
              "cfg_option_no_eq": "key=value"}[argv_case]
    assert needle in res.err


def test_debug_shows_the_traceback(tmp_path, trained, capsys, monkeypatch):
    argv = [trained["config"], "--work-dir", tmp_path / "w", "--cfg-options",
            "train_cfg.max_iters=abc"]
    with pytest.raises(ValueError, match="max_iters"):
        run("train", [*argv, "--debug"], capsys)
    monkeypatch.setenv("RESTOREKIT_DEBUG", "1")
    with pytest.raises(ValueError, match="max_iters"):
        run("train", argv, capsys)
