"""tools/{dist,slurm}_{train,test}.sh hand their arguments to the shared
launchers in tools/misc/ in the right order: the command each would run is
recorded by a stand-in ``srun`` / python."""
import os
import os.path as osp
import subprocess
from typing import Dict, List

import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _recorded(tmp_path, script: str, args: List[str],
              env: Dict[str, str]) -> List[str]:
    """The argv the launcher ends in, as the stand-in echoed it."""
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir(exist_ok=True)
    stand_in = bin_dir / 'record'
    stand_in.write_text('#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n')
    stand_in.chmod(0o755)
    (bin_dir / 'srun').symlink_to(stand_in)
    full_env = dict(
        os.environ,
        PATH=f'{bin_dir}:{os.environ["PATH"]}',
        PYTHON=str(stand_in),
        **env)
    out = subprocess.run(
        ['bash', osp.join(ROOT, 'tools', script), *args],
        env=full_env,
        capture_output=True,
        text=True,
        check=True).stdout
    return out.splitlines()


def _script_and_rest(argv: List[str], script: str) -> List[str]:
    """The arguments from the python script on, the script as a name."""
    where = next(i for i, a in enumerate(argv) if a.endswith(script))
    assert osp.realpath(argv[where]) == osp.join(ROOT, 'tools', script)
    return [script] + argv[where + 1:]


@pytest.mark.parametrize('script,args,expected', [
    ('dist_train.sh', ['cfg.py', '2', '--amp'],
     ['train.py', '--launcher', 'pytorch', 'cfg.py', '--amp']),
    ('dist_test.sh', ['cfg.py', 'ck.pth', '3', '--work-dir', 'w'], [
        'test.py', '--launcher', 'pytorch', 'cfg.py', 'ck.pth', '--work-dir',
        'w'
    ]),
])
def test_dist_scripts(tmp_path, script, args, expected):
    argv = _recorded(tmp_path, script, args, {'PORT': '29999'})
    assert argv[:2] == ['-m', 'torch.distributed.run']
    procs = args[1] if script == 'dist_train.sh' else args[2]
    assert f'--nproc_per_node={procs}' in argv
    assert '--master_port=29999' in argv
    assert _script_and_rest(argv, expected[0]) == expected


@pytest.mark.parametrize('script,args,expected', [
    ('slurm_train.sh', ['part', 'job', 'cfg.py', '--amp'],
     ['train.py', '--launcher=slurm', 'cfg.py', '--amp']),
    ('slurm_test.sh', ['part', 'job', 'cfg.py', 'ck.pth', '--dump', 'r.pkl'],
     ['test.py', '--launcher=slurm', 'cfg.py', 'ck.pth', '--dump', 'r.pkl']),
])
def test_slurm_scripts(tmp_path, script, args, expected):
    argv = _recorded(tmp_path, script, args, {'GPUS': '4'})
    assert argv[:2] == ['-p', 'part']
    assert '--job-name=job' in argv and '--ntasks=4' in argv
    assert '--gres=gpu:8' in argv
    assert _script_and_rest(argv, expected[0]) == expected


def test_slurm_without_gpus_asks_for_no_gres(tmp_path):
    argv = _recorded(tmp_path, 'slurm_train.sh', ['p', 'j', 'cfg.py'], {
        'GPUS_PER_NODE': '0',
        'TASKS_PER_NODE': '2'
    })
    assert not any(a.startswith('--gres') for a in argv)
    assert '--ntasks-per-node=2' in argv


def test_slurm_without_gpus_needs_tasks_per_node(tmp_path):
    result = subprocess.run(
        ['bash',
         osp.join(ROOT, 'tools', 'slurm_train.sh'), 'p', 'j', 'c'],
        env=dict(os.environ, GPUS_PER_NODE='0'),
        capture_output=True,
        text=True)
    assert result.returncode == 1
    assert 'TASKS_PER_NODE' in result.stderr
