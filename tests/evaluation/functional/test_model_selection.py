import json
import subprocess
import sys

import pytest

from usdrl_mm.evaluation.functional import final_and_best


def write_run(root, values):
    """A Runner-like work_dir: training records and one evaluation per
    epoch with acc/top1."""
    folder = root / '20260101_000000' / 'vis_data'
    folder.mkdir(parents=True)
    lines = []
    for epoch, value in enumerate(values, 1):
        lines.append(
            dict(
                iter=epoch * 10,
                epoch=epoch,
                step=epoch * 10,
                loss=1.0 / epoch))
        lines.append({'acc/top1': value, 'step': epoch})
    (folder / 'scalars.json').write_text('\n'.join(map(json.dumps, lines)))


def test_final_and_best_of_a_run(tmp_path):
    write_run(tmp_path, [0.50, 0.71, 0.69, 0.70])
    out = final_and_best(str(tmp_path), 'acc/top1')
    assert out == dict(
        final=0.70, final_step=4, best=0.71, best_step=2, evaluations=4)
    low = final_and_best(str(tmp_path), 'acc/top1', higher_is_better=False)
    assert (low['best'], low['best_step']) == (0.50, 1)
    with pytest.raises(KeyError, match='acc/top1'):
        final_and_best(str(tmp_path), 'acc/top5')


def test_the_tool_labels_both_numbers(tmp_path, repo_root, tool_env):
    write_run(tmp_path, [0.50, 0.71, 0.69, 0.70])
    out_json = tmp_path / 'best.json'
    proc = subprocess.run([
        sys.executable, 'tools/analysis_tools/best_of_run.py',
        str(tmp_path), '--out',
        str(out_json)
    ],
                          cwd=repo_root,
                          env=tool_env,
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    assert 'final (step 4): 0.7000  <- our reported number' in proc.stdout
    assert 'best-of-run (step 2, best of 4 evaluations): 0.7100' in \
        proc.stdout
    assert json.loads(out_json.read_text())['best'] == 0.71
