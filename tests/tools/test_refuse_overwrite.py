"""The tools that write one file refuse an existing one without
``--force`` through the converters' shared check
(``usdrl_mm.datasets.converters.io.refuse_overwrite``), before any work:
the message names the file and the fix, and the file is kept."""
import importlib.util
import os.path as osp
import sys

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

# tool -> its arguments with OUT for the existing output; the other inputs
# need not exist since nothing is read before the check
TOOLS = {
    'tools/misc/init_checkpoint.py': ['no_such_config.py', 'OUT'],
    'tools/convert_pyskl_checkpoint.py': ['no_such.pth', 'OUT'],
    'tools/convert_original_checkpoint.py': ['no_such.pth.tar', 'OUT'],
    'tools/data/make_label_subset.py':
    ['no_such.pkl', '--split', 'xsub_train', '--ratio', '0.1', '--out', 'OUT'],
}


def load_tool(relative: str):
    spec = importlib.util.spec_from_file_location(
        '_overwrite_' + osp.splitext(osp.basename(relative))[0],
        osp.join(REPO, relative))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('tool', sorted(TOOLS))
def test_existing_output_is_refused(tool, tmp_path, monkeypatch, capsys):
    out = tmp_path / 'existing.out'
    out.write_text('keep me')
    argv = [str(out) if a == 'OUT' else a for a in TOOLS[tool]]
    # some mains read sys.argv themselves
    monkeypatch.setattr(sys, 'argv', [tool, *argv])
    module = load_tool(tool)
    with pytest.raises(SystemExit) as exit_:
        module.main()
    assert exit_.value.code == 1
    assert capsys.readouterr().err.strip() == \
        f'error: {out} exists; pass --force to overwrite it'
    assert out.read_text() == 'keep me'


@pytest.mark.parametrize('tool', sorted(TOOLS))
def test_force_gets_past_the_check(tool, tmp_path, monkeypatch, capsys):
    """With ``--force`` the tool goes on (and fails on the missing
    input instead)."""
    out = tmp_path / 'existing.out'
    out.write_text('keep me')
    argv = [str(out) if a == 'OUT' else a for a in TOOLS[tool]] + ['--force']
    monkeypatch.setattr(sys, 'argv', [tool, *argv])
    module = load_tool(tool)
    with pytest.raises((SystemExit, OSError)):
        module.main()
    assert 'pass --force' not in capsys.readouterr().err
    assert out.read_text() == 'keep me'
