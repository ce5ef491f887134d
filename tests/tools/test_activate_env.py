"""tools/misc/activate_env.sh, which the scripts that run the project's
python source from the repository root: it sets up the environment with
tools/setup_env.sh, then activates VENV in the calling shell."""
import os
import os.path as osp
import shutil
import subprocess

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SOURCING = [
    'tools/run_demo.sh', 'tools/run_tests.sh',
    'tools/analysis_tools/run_mpct_ablation.sh',
    'tools/analysis_tools/run_synthetic_benchmarks.sh',
    'tools/analysis_tools/run_synthetic_dense_benchmarks.sh'
]


@pytest.fixture
def root(tmp_path):
    """A repository root with the real activate_env.sh, a setup_env.sh
    that logs its call and a virtual environment whose activate script
    marks the shell."""
    os.makedirs(tmp_path / 'tools' / 'misc')
    shutil.copy(
        osp.join(REPO, 'tools', 'misc', 'activate_env.sh'),
        tmp_path / 'tools' / 'misc')
    (tmp_path / 'tools' /
     'setup_env.sh').write_text('echo "setup VENV=${VENV:-}" >> calls.log\n')
    for venv in ('.venv', 'other'):
        os.makedirs(tmp_path / venv / 'bin')
        (tmp_path / venv / 'bin' /
         'activate').write_text(f'ACTIVATED={venv}\n')
    return tmp_path


def source(root, env=None):
    script = ('set -euo pipefail\n. tools/misc/activate_env.sh\n'
              'echo "active=$ACTIVATED venv=$VENV"\n')
    return subprocess.run(['bash', '-c', script],
                          cwd=root,
                          env=dict(os.environ, **(env or {})),
                          capture_output=True,
                          text=True,
                          timeout=60)


def test_sets_up_then_activates(root):
    done = source(root, {'VENV': ''})
    assert done.returncode == 0, done.stderr
    assert done.stdout == 'active=.venv venv=.venv\n'
    assert (root / 'calls.log').read_text() == 'setup VENV=\n'
    done = source(root, {'VENV': 'other'})
    assert done.stdout == 'active=other venv=other\n'
    assert (root / 'calls.log').read_text().endswith('setup VENV=other\n')


def test_a_failed_setup_stops_the_caller(root):
    (root / 'tools' / 'setup_env.sh').write_text('exit 3\n')
    done = source(root)
    assert done.returncode == 3 and 'active=' not in done.stdout


@pytest.mark.parametrize('script', SOURCING)
def test_the_scripts_source_it_from_the_root(script):
    with open(osp.join(REPO, script)) as f:
        lines = f.read().splitlines()
    assert '. tools/misc/activate_env.sh' in [
        line.split('#')[0].strip() for line in lines
    ]
    cd = [line for line in lines if line.startswith('cd ')]
    depth = script.count('/')  # folders below the root
    assert cd == ['cd "$(dirname "$0")/' + '/'.join(['..'] * depth) + '"']
