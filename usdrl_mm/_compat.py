"""Compatibility shims for the pinned OpenMMLab stack on current torch.

This module holds every global side effect of ``import usdrl_mm``; no other
module of the package patches a third-party module, edits ``sys.modules`` or
changes torch's settings at import. :func:`apply` runs once when the package
is imported, which is what ``custom_imports=dict(imports=['usdrl_mm'])`` does
before the Runner builds or loads anything.

Each shim has a version predicate (a pure function of a version string) and
a symptom check, and changes something only when both hold. When one fires
it logs one debug message naming itself on the ``usdrl_mm._compat`` logger
(standard logging: nothing prints unless the application turns debug
logging on) and is not applied again.

``torch-weights-only-allow-list`` (torch >= 2.6)
    torch 2.6 made ``torch.load`` weights-only by default, and mmengine
    0.10.x calls ``torch.load(filename, map_location=...)`` without a
    ``weights_only`` argument, so resume, ``load_from``, ``Pretrained``
    init and ``tools/test.py`` all load weights-only. An mmengine Runner
    checkpoint pickles the message hub (``HistoryBuffer`` objects holding
    numpy arrays) and numpy scalars, which that unpickler refuses. Instead
    of switching safe loading off, the globals those files name are added
    to torch's allow-list (see :func:`mmengine_checkpoint_globals`;
    mmengine#1655). Symptom: ``torch.serialization.add_safe_globals``
    exists and the globals are not allow-listed yet.
``mmaction2-1.2-missing-drn`` (mmaction2 >= 1.2.0)
    ``mmaction/models/localizers/__init__.py`` of 1.2.0 imports
    ``.drn.drn``, but the 1.2.0 wheel ships without that folder
    (mmaction2#2714), so ``import mmaction.models`` fails. Stub modules in
    ``sys.modules`` (``DRN = None``) let it import. 1.1.0 does not import
    DRN at all. Symptom: the installed ``localizers/__init__.py`` imports
    ``drn`` and the folder is missing.
``mmaction2-1.1-model-index`` (mmaction2 < 1.2.0)
    ``_base_ = 'mmaction::skeleton/...'`` first looks the path up in
    MMAction2's model index, and mmengine's private
    ``mmengine.config.utils._get_cfg_metainfo`` assumes every entry's
    ``Config`` is a string. One entry of mmaction2 1.1.0 (BSN) is a list, so
    the lookup raises ``AttributeError`` for *every* ``mmaction::`` path;
    1.2.0's index has strings only. The error is turned into the "not in the
    index" ``ValueError``, after which mmengine reads the file from
    ``mmaction/.mim/configs`` as intended. Only ``tools/*.py`` and code that
    imports ``usdrl_mm`` before parsing a config get this fix. Symptom: the
    installed lookup raises ``AttributeError`` for a name not in the index.

torch < 2.6 is refused outright (:func:`require_safe_torch`): its
``torch.load`` unpickles checkpoints fully, so none of the loading above
would be safe.
"""
import functools
import importlib
import importlib.util
import logging
import os
import pickle
import sys
import types
from typing import Callable, List, Optional, Set, Tuple, Union

import numpy as np
import torch
from packaging.version import InvalidVersion, Version

SafeGlobal = Union[object, Tuple[object, str]]

logger = logging.getLogger(__name__)

#: Names of the shims that have fired in this interpreter.
APPLIED: Set[str] = set()

ALLOW_LIST = 'torch-weights-only-allow-list'
MISSING_DRN = 'mmaction2-1.2-missing-drn'
MODEL_INDEX = 'mmaction2-1.1-model-index'

#: The first torch whose ``torch.load`` is weights-only by default.
MIN_SAFE_TORCH = (2, 6)
#: The first mmaction2 whose wheel imports the (missing) DRN localizer.
DRN_IMPORTED_SINCE = (1, 2)
#: The first mmaction2 whose model index has string ``Config`` entries only.
MODEL_INDEX_FIXED_IN = (1, 2)


def release(version: Optional[str]) -> Tuple[int, ...]:
    """The release numbers of a version string: ``(2, 13, 0)`` for
    ``'2.13.0+cpu'`` and for ``'2.13.0a0+git1234'``.

    Pre-release and local parts are dropped, so a nightly counts as the
    release it leads to. ``None`` or an unparsable string gives ``()``,
    which is older than every release.
    """
    if not version:
        return ()
    try:
        return Version(version).release
    except InvalidVersion:
        return ()


def package_version(package: str) -> Optional[str]:
    """``package.__version__`` of an installed package, None without it.

    The module's own attribute, not the distribution metadata: it is what
    actually runs, also for a source checkout on ``PYTHONPATH``. Importing
    the top-level ``mmaction`` does not import ``mmaction.models``.
    """
    if importlib.util.find_spec(package) is None:
        return None
    return getattr(importlib.import_module(package), '__version__', None)


def torch_version() -> str:
    """The running torch's version (a function, so tests can fake it)."""
    return torch.__version__


def mmaction_version() -> Optional[str]:
    """The installed mmaction2's version, None without it."""
    return package_version('mmaction')


def fired(name: str, reason: str) -> None:
    """Record that shim ``name`` ran and log it once at debug level."""
    APPLIED.add(name)
    logger.debug('usdrl_mm compat shim %s applied: %s', name, reason)


def due(name: str, needed: Callable[[Optional[str]], bool],
        version: Optional[str]) -> bool:
    """Whether shim ``name`` should run now: it has not fired in this
    interpreter and ``needed(version)`` says the installed version needs
    it. Every shim checks the version before it looks at the symptom."""
    return name not in APPLIED and needed(version)


# --------------------------------------------------------------------------
# torch < 2.6: refused


def require_safe_torch(version: Optional[str] = None) -> None:
    """Refuse torch < 2.6, where mmengine's ``torch.load`` calls unpickle
    checkpoints fully (any code in them runs) and no allow-list exists."""
    version = torch_version() if version is None else version
    if release(version)[:2] < MIN_SAFE_TORCH:
        raise ImportError(
            f'usdrl_mm needs torch >= 2.6 (found {version}): older torch '
            'loads checkpoints with the full unpickler, so a checkpoint '
            'could run code when --resume, load_from or tools/test.py reads '
            'it. Install a newer torch (pip install "torch>=2.6").')


# --------------------------------------------------------------------------
# torch >= 2.6: allow-list the globals of mmengine checkpoints


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
    """Globals an mmengine Runner checkpoint may reference, and only those.

    - ``mmengine.logging.HistoryBuffer``: the message hub's log scalars
      (``checkpoint['message_hub']``).
    - ``builtins.getattr``, served by :func:`history_buffer_getattr`: how a
      buffer's statistics methods are pickled.
    - ``numpy.ndarray``, ``numpy.dtype`` and ``multiarray._reconstruct``:
      the arrays inside the buffers.
    - ``multiarray.scalar``: numpy scalars (``np.float64`` losses, seeds)
      in the message hub and in ``meta``.
    - the ``numpy.dtypes.*DType`` classes (numpy >= 1.25): what a pickle
      names when it stores a dtype's class itself; torch's docs list
      ``type(np.dtype(...))`` among the globals numpy data needs.

    numpy records its array-reconstruction helpers under ``numpy.core``
    (1.x) or ``numpy._core`` (2.x), depending on the version that *wrote*
    the file, so both names are registered for the installed objects.
    Everything else, ``builtins.eval`` or any other class, stays refused.
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
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is not None:
        entries.extend(
            getattr(dtypes, name) for name in dir(dtypes)
            if name.endswith('DType'))
    return entries


def needs_checkpoint_allow_list(version: Optional[str]) -> bool:
    """True for a torch whose ``torch.load`` is weights-only by default."""
    return release(version)[:2] >= MIN_SAFE_TORCH


def allow_mmengine_checkpoints() -> bool:
    """Let ``torch.load(weights_only=True)`` read mmengine checkpoints.

    Returns whether the shim fired now (False when not needed or done).
    Globals that are allow-listed already are not added twice.
    """
    version = torch_version()
    serialization = torch.serialization
    if not due(ALLOW_LIST, needs_checkpoint_allow_list, version) or \
            not hasattr(serialization, 'add_safe_globals'):
        return False
    registered = serialization.get_safe_globals()
    missing = [g for g in mmengine_checkpoint_globals() if g not in registered]
    if not missing:  # allow-listed already (by an earlier import)
        return False
    serialization.add_safe_globals(missing)
    fired(
        ALLOW_LIST,
        f'torch {version} loads weights-only by default; allow-listed '
        f'{len(missing)} globals of mmengine checkpoints')
    return True


# --------------------------------------------------------------------------
# mmaction2 >= 1.2.0: the wheel lacks models/localizers/drn


def package_dir(package: str) -> Optional[str]:
    """The folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.origin:
        return None
    return os.path.dirname(spec.origin)


def needs_drn_stub(version: Optional[str]) -> bool:
    """True for an mmaction2 whose ``localizers`` imports DRN (>= 1.2.0)."""
    return release(version)[:2] >= DRN_IMPORTED_SINCE


def stub_missing_drn(package: str = 'mmaction') -> bool:
    """Work around mmaction2#2714: stub ``<package>.models.localizers.drn``.

    Only the name ``localizers/__init__.py`` imports, ``drn.drn.DRN``, is
    provided (as None): the DRN localizer cannot be built, everything else
    imports. ``package`` is there for the tests.
    Returns whether the shim fired now.
    """
    version = package_version(package)
    if not due(MISSING_DRN, needs_drn_stub, version):
        return False
    root = package_dir(package)
    if root is None:
        return False
    localizers = os.path.join(root, 'models', 'localizers')
    init = os.path.join(localizers, '__init__.py')
    if os.path.isdir(os.path.join(localizers, 'drn')) or \
            not os.path.isfile(init):
        return False
    with open(init, encoding='utf-8') as f:
        if '.drn' not in f.read():
            return False
    name = f'{package}.models.localizers.drn'
    stub = types.ModuleType(name)
    stub.__path__ = []  # a package with no files
    module = types.ModuleType(f'{name}.drn')
    module.DRN = None
    sys.modules.setdefault(stub.__name__, stub)
    sys.modules.setdefault(module.__name__, module)
    fired(
        MISSING_DRN,
        f'mmaction2 {version} ships without models/localizers/drn '
        f'(mmaction2#2714); stubbed {module.__name__}.DRN = None')
    return True


# --------------------------------------------------------------------------
# mmaction2 < 1.2.0: a list-valued `Config` in the model index


def needs_model_index_fix(version: Optional[str]) -> bool:
    """True for an mmaction2 whose model index has a list-valued ``Config``
    entry (1.1.0's BSN; 1.2.0 has strings only)."""
    release_ = release(version)
    return bool(release_) and release_[:2] < MODEL_INDEX_FIXED_IN


def tolerate_list_configs_in_model_index(package: str = 'mmaction') -> bool:
    """Make mmengine's model-index lookup treat a malformed index as "not
    in the index", so ``package::`` configs are read from its ``.mim``.

    Returns whether the shim fired now.
    """
    version = package_version(package)
    if not due(MODEL_INDEX, needs_model_index_fix, version):
        return False
    from mmengine.config import utils

    # Private mmengine API. ``_get_external_cfg_path`` looks the name up in
    # the module's globals at call time, so replacing the module attribute
    # reaches ``Config.fromfile``. Fallback: an mmengine without it has
    # reworked the lookup, and the shim does nothing.
    lookup = getattr(utils, '_get_cfg_metainfo', None)
    root = package_dir(package)
    if lookup is None or root is None:
        return False
    try:  # the symptom: a name that is not in the index
        lookup(root, '\0usdrl_mm-probe')
    except AttributeError:
        pass
    except Exception:  # ValueError: the lookup works; or no index at all
        return False
    else:
        return False

    @functools.wraps(lookup)
    def get_cfg_metainfo(package_path: str, cfg_path: str) -> dict:
        try:
            return lookup(package_path, cfg_path)
        except AttributeError as err:  # a non-string `Config` entry
            raise ValueError(f'{cfg_path} not found in the model index of '
                             f'{package_path}: {err}') from err

    utils._get_cfg_metainfo = get_cfg_metainfo
    fired(
        MODEL_INDEX,
        f'the model index of mmaction2 {version} has a list-valued Config; '
        'mmengine.config.utils._get_cfg_metainfo now reports it as '
        '"not in the index"')
    return True


def apply() -> None:
    """Apply every shim that the installed versions need, once."""
    require_safe_torch()
    stub_missing_drn()
    allow_mmengine_checkpoints()
    tolerate_list_configs_in_model_index()
