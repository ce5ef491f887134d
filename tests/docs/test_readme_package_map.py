"""The README's "What is in the package" table is a map of the package:
every sub-package (and every folder of ``usdrl_mm/models/``) has a row, and
every path the table names exists."""
import os
import os.path as osp
import re
from typing import List

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _table_paths() -> List[str]:
    with open(osp.join(ROOT, 'README.md'), encoding='utf-8') as f:
        text = f.read()
    section = text.split('## What is in the package', 1)[1].split('\n## ')[0]
    rows = [line for line in section.splitlines() if line.startswith('| ')]
    where = ' '.join(row.rstrip(' |').rsplit(' | ', 1)[-1] for row in rows)
    return re.findall(r'`(usdrl_mm/[^`]*)`', where)


def _packages(folder: str) -> List[str]:
    path = osp.join(ROOT, folder)
    return [
        f'{folder}/{name}/' for name in sorted(os.listdir(path))
        if osp.isfile(osp.join(path, name, '__init__.py'))
    ]


def test_every_package_folder_has_a_row():
    named = _table_paths()
    folders = [
        p for p in _packages('usdrl_mm') + _packages('usdrl_mm/models')
        if p != 'usdrl_mm/models/'
    ]
    missing = [
        f for f in folders if not any(path.startswith(f) for path in named)
    ]
    assert not missing, f'README package map has no row for {missing}'


def test_every_named_path_exists():
    named = _table_paths()
    assert len(named) > 20
    absent = [p for p in named if not osp.exists(osp.join(ROOT, p))]
    assert not absent, f'README package map names missing paths {absent}'
