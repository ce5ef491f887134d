"""tools/ calls the library: no tool edits ``sys.path`` or imports another
tool, and the tools run as ``python tools/.../x.py`` from the repository
root with the package installed (``pip install -e .``) and no
``PYTHONPATH``."""
import ast
import glob
import os
import os.path as osp
import subprocess
import sys
from typing import Iterator, List, Tuple

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def tool_files() -> List[str]:
    paths = glob.glob(osp.join(REPO, 'tools', '**', '*.py'), recursive=True)
    return sorted(osp.relpath(p, REPO) for p in paths)


def problems(source: str) -> Iterator[Tuple[int, str]]:
    """``(line, what)`` for every use of ``sys.path`` and every import of
    the ``tools`` package in ``source``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == 'path' and \
                isinstance(node.value, ast.Name) and node.value.id == 'sys':
            yield node.lineno, 'uses sys.path'
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split('.')[0] == 'tools':
                    yield node.lineno, f'imports {alias.name}'
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and \
                (node.module or '').split('.')[0] == 'tools':
            yield node.lineno, f'imports from {node.module}'
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            yield node.lineno, 'imports a neighbouring tool (relative import)'


def test_the_checker_finds_each_kind():
    source = ('import sys\nsys.path.insert(0, ".")\n'
              'from tools.analysis_tools.eval_encoders import parse_encoder\n'
              'import tools.demo.skeleton_demo\nfrom . import fuse_scores\n'
              'from usdrl_mm.apis import parse_encoder\n')
    assert sorted(line for line, _ in problems(source)) == [2, 3, 4, 5]


def test_there_are_tools_to_check():
    files = tool_files()
    assert 'tools/train.py' in files and len(files) > 20


@pytest.mark.parametrize('path', tool_files())
def test_a_tool_only_imports_the_library(path):
    with open(osp.join(REPO, path), encoding='utf-8') as f:
        found = [f'{path}:{line}: {what}' for line, what in problems(f.read())]
    assert not found, '\n'.join(found) + (
        '\nshared code belongs in usdrl_mm/ (e.g. usdrl_mm/apis/), imported '
        'from there; the tools rely on `pip install -e .`')


def installed_env() -> dict:
    """This environment without PYTHONPATH; skips the test when usdrl_mm
    is importable only from the source tree (not installed)."""
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}
    found = subprocess.run(
        [sys.executable, '-c', 'import usdrl_mm'],
        cwd=osp.dirname(REPO),  # not the repository root
        env=env,
        capture_output=True)
    if found.returncode != 0:
        pytest.skip('usdrl_mm is not installed (pip install -e .)')
    return env


@pytest.mark.parametrize(
    'tool',
    [
        'tools/train.py',
        # these two imported other tools before
        'tools/analysis_tools/eval_encoders.py',
        'tools/analysis_tools/tsne_features.py',
    ])
def test_a_tool_runs_from_the_root_without_pythonpath(tool):
    proc = subprocess.run([sys.executable, tool, '--help'],
                          cwd=REPO,
                          env=installed_env(),
                          capture_output=True,
                          text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'usage:' in proc.stdout
