"""Fixtures shared by the converter tests."""
import importlib.util
import os.path as osp
from typing import Callable

import pytest


@pytest.fixture
def load_tool(repo_root) -> Callable:
    """``load_tool('convert_ntu_rgbd')`` -> the ``main`` of
    ``tools/data/convert_ntu_rgbd.py``, to run a CLI in-process (the
    subprocess test of each converter covers the real entry point)."""

    def load(name: str) -> Callable:
        path = osp.join(repo_root, 'tools', 'data', f'{name}.py')
        spec = importlib.util.spec_from_file_location(f'_tool_{name}', path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.main

    return load
