"""Compatibility shims for the pinned OpenMMLab stack on current torch.

They run once when ``usdrl_mm`` is imported, which is what
``custom_imports=dict(imports=['usdrl_mm'])`` does before the Runner builds
or loads anything. This is the one deliberate import-time side effect of the
package; nothing here prints.

0. torch < 2.6 is refused: its ``torch.load`` unpickles checkpoints fully,
   so none of the loading below would be safe.
1. torch >= 2.6 loads checkpoints with ``weights_only=True``. mmengine
   0.10.7 checkpoints pickle the message hub (``HistoryBuffer`` objects
   holding numpy arrays) and numpy scalars, so resume, ``load_from``,
   ``Pretrained`` init and ``tools/test.py`` would all fail. Instead of
   switching safe loading off, the few globals those checkpoints contain
   are allow-listed (mmengine#1655).
2. The mmaction2 1.2.0 wheel lacks ``mmaction.models.localizers.drn``
   (mmaction2#2714); a stub module lets ``mmaction.models`` import. The
   pinned 1.1.0 does not need it.
3. ``_base_ = 'mmaction::skeleton/...'`` first looks the path up in
   MMAction2's model index, and mmengine 0.10.7 assumes every entry's
   ``Config`` is a string. One entry of mmaction2 1.1.0 (BSN) is a list, so
   the lookup raises ``AttributeError`` for *every* ``mmaction::`` path. The
   error is turned into the "not in the index" case, after which mmengine
   reads the file from ``mmaction/.mim/configs`` as intended. Only
   ``tools/*.py`` and code that imports ``usdrl_mm`` before parsing a
   config get this fix.
"""
import importlib.util
import os
import pickle
import sys
import types
from typing import List, Tuple, Union

import numpy as np
import torch

SafeGlobal = Union[object, Tuple[object, str]]


def history_buffer_getattr(obj: object, name: str) -> object:
    """``getattr`` restricted to what a pickled ``HistoryBuffer`` needs.

    ``HistoryBuffer.__getstate__`` stores its statistics functions, which
    pickle writes as ``getattr(HistoryBuffer, 'mean')``. Allow-listing the
    builtin ``getattr`` would let a file fetch any attribute of any allowed
    object; this stand-in, registered under the builtin's name, only returns
    public methods of ``HistoryBuffer``.
    """
    from mmengine.logging import HistoryBuffer
    if obj is HistoryBuffer and not name.startswith('_') and callable(
            getattr(HistoryBuffer, name, None)):
        return getattr(HistoryBuffer, name)
    raise pickle.UnpicklingError(
        f'getattr({obj!r}, {name!r}) is not allowed in a weights-only load')


def mmengine_checkpoint_globals() -> List[SafeGlobal]:
    """Globals an mmengine Runner checkpoint may reference.

    numpy records its array-reconstruction helpers under ``numpy.core`` (1.x)
    or ``numpy._core`` (2.x), depending on the version that *wrote* the
    file, so both names are registered for the installed objects.
    """
    from mmengine.logging import HistoryBuffer
    try:
        from numpy._core import multiarray
    except ImportError:  # numpy 1.x
        from numpy.core import multiarray

    entries: List[SafeGlobal] = [
        HistoryBuffer, np.ndarray, np.dtype,
        (history_buffer_getattr, 'builtins.getattr')
    ]
    for module in ('numpy.core.multiarray', 'numpy._core.multiarray'):
        entries.append((multiarray._reconstruct, f'{module}._reconstruct'))
        entries.append((multiarray.scalar, f'{module}.scalar'))
    # dtype classes such as numpy.dtypes.Float64DType (numpy >= 1.25)
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is not None:
        entries.extend(
            getattr(dtypes, name) for name in dir(dtypes)
            if name.endswith('DType'))
    return entries


#: The first torch whose ``torch.load`` is weights-only by default.
MIN_SAFE_TORCH = (2, 6)


def require_safe_torch(version: str = torch.__version__) -> None:
    """Refuse torch < 2.6, where mmengine's ``torch.load`` calls unpickle
    checkpoints fully (any code in them runs) and no allow-list exists."""
    parts = []
    for piece in version.split('+')[0].split('.')[:2]:
        digits = ''.join(c for c in piece if c.isdigit())
        parts.append(int(digits or 0))
    if tuple(parts) < MIN_SAFE_TORCH:
        raise ImportError(
            f'usdrl_mm needs torch >= 2.6 (found {version}): older torch '
            'loads checkpoints with the full unpickler, so a checkpoint '
            'could run code when --resume, load_from or tools/test.py reads '
            'it. Install a newer torch (pip install "torch>=2.6").')


def allow_mmengine_checkpoints() -> None:
    """Let ``torch.load(weights_only=True)`` read mmengine checkpoints."""
    torch.serialization.add_safe_globals(mmengine_checkpoint_globals())


def stub_missing_drn() -> None:
    """Work around mmaction2#2714 (the 1.2.0 wheel ships without drn/)."""
    spec = importlib.util.find_spec('mmaction')
    if spec is None or not spec.origin:
        return
    drn_dir = os.path.join(
        os.path.dirname(spec.origin), 'models', 'localizers', 'drn')
    if os.path.isdir(drn_dir):
        return
    package = types.ModuleType('mmaction.models.localizers.drn')
    package.__path__ = []  # a package with no files
    module = types.ModuleType('mmaction.models.localizers.drn.drn')
    module.DRN = None  # the only name localizers/__init__.py imports
    sys.modules.setdefault(package.__name__, package)
    sys.modules.setdefault(module.__name__, module)


def tolerate_list_configs_in_model_index() -> None:
    """Make mmengine's model-index lookup skip malformed entries (item 3)."""
    from mmengine.config import utils
    lookup = utils._get_cfg_metainfo
    if getattr(lookup, 'usdrl_mm_wrapped', False):
        return

    def get_cfg_metainfo(package_path: str, cfg_path: str) -> dict:
        try:
            return lookup(package_path, cfg_path)
        except AttributeError as err:  # a non-string `Config` entry
            raise ValueError(f'{cfg_path} not found in the model index of '
                             f'{package_path}: {err}') from err

    get_cfg_metainfo.usdrl_mm_wrapped = True
    utils._get_cfg_metainfo = get_cfg_metainfo


def apply() -> None:
    require_safe_torch()
    stub_missing_drn()
    allow_mmengine_checkpoints()
    tolerate_list_configs_in_model_index()
