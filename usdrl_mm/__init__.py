"""USDRL (DSTE backbone, MG-FD pretraining) for mmengine / MMAction2.

Importing the package registers every module into MMAction2's registries;
configs load it with
``custom_imports = dict(imports=['usdrl_mm'], allow_failed_imports=False)``.
"""
# isort: skip_file
from . import _compat

# the package's only import-time side effects, each applied only where the
# installed versions need it; before anything imports mmaction.models or
# loads weights
_compat.apply()

# yapf: disable
from . import (datasets, engine, evaluation, fileio, models,  # noqa: E402
               structures, utils, visualization)
from .version import __version__  # noqa: E402
# yapf: enable

__all__ = [
    '__version__', 'datasets', 'engine', 'evaluation', 'fileio', 'models',
    'structures', 'utils', 'visualization'
]
