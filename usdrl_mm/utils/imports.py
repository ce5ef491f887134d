"""``--import MODULE`` for tools that must know what a project registers
(a skeleton layout, a transform) before they parse their data."""
import argparse
import importlib
import os
import sys
from typing import Optional, Sequence


def add_import_argument(parser: argparse.ArgumentParser,
                        example: str = 'projects.upper_body_layout') -> None:
    """Add ``--import MODULE [MODULE ...]`` (``args.imports``, a list)."""
    parser.add_argument(
        '--import',
        dest='imports',
        nargs='+',
        action='extend',
        default=[],
        metavar='MODULE',
        help=f'modules to import first, e.g. {example} for a skeleton '
        'layout registered there')


def import_modules(modules: Sequence[str]) -> Optional[str]:
    """Import ``modules`` with the working directory on the path, so that
    ``projects.*`` resolves from the repository root (``tools/train.py``
    leaves the path alone, as MMAction2's does: there
    ``PYTHONPATH=$(pwd)`` does the same). Returns an error message, or
    ``None`` when all imported."""
    if os.getcwd() not in sys.path:
        sys.path.insert(1, os.getcwd())
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as e:
            return (f'--import {module}: {e} (run from the repository root, '
                    'or put its folder on PYTHONPATH)')
    return None
