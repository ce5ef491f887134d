"""Loading pickles and ``.npy`` files from untrusted sources.

A pickle is a program: loading one calls whatever functions it names, so an
annotation file downloaded from a third party can run code on the machine
that reads it. Every pickle input of the project (annotation files, pose
results, label lists, dumped predictions) is read through
:class:`RestrictedUnpickler`, which resolves only the globals a data file
needs:

- builtin containers and scalars (``dict``, ``list``, ``tuple``, ``str``,
  numbers, ... need no global at all; ``set``, ``frozenset``, ``slice``,
  ``complex``, ``bytearray``, ``range``, ``collections.OrderedDict`` /
  ``defaultdict`` / ``deque`` and ``_codecs.encode``, which protocol-2
  pickles use for bytes, are allowed by name);
- numpy arrays, scalars and dtypes, under the module names of numpy 1.x
  (``numpy.core``) and 2.x (``numpy._core``), since the name depends on the
  version that *wrote* the file;
- with ``allow_tensors=True`` (prediction dumps of ``tools/test.py
  --dump``), torch tensors, whose storage bytes are read back by torch's
  own weights-only loader.

Any other global stops the load with :class:`UntrustedPickleError`, which
names the file, the refused global and the opt-out. ``trust=True`` (the
``--trust-pickle`` flag of the tools, ``trust_pickle=True`` of the
datasets) loads with the standard unpickler, for exotic but trusted files
such as pickled MMPose ``PoseDataSample`` objects; such a file can run any
code on load.
"""
import codecs
import collections
import io
import os
import pickle
from typing import Any, Callable, Dict, Optional, Tuple

import _compat_pickle  # pickle's own table of Python-2 names
import numpy as np

#: The documentation section that explains the opt-out and its risk.
SAFETY_DOC = 'docs/faq.md, section "Safety: what is loaded how"'

_BUILTINS = ('set', 'frozenset', 'slice', 'complex', 'bytearray', 'range',
             'int', 'float', 'bool', 'str', 'bytes', 'list', 'tuple', 'dict')
_COLLECTIONS = ('OrderedDict', 'defaultdict', 'deque')


class UntrustedPickleError(pickle.UnpicklingError, ValueError):
    """A pickle referenced a global outside the data-only allow-list.

    Also a ``ValueError``, so that callers which report malformed input
    files without a traceback report this one the same way.
    """


def _numpy_globals() -> Dict[Tuple[str, str], Any]:
    """numpy's reconstruction helpers under both of their module names."""
    try:
        from numpy._core import multiarray, numeric
    except ImportError:  # numpy 1.x
        from numpy.core import multiarray, numeric
    table: Dict[Tuple[str, str], Any] = {
        ('numpy', 'ndarray'): np.ndarray,
        ('numpy', 'dtype'): np.dtype,
    }
    for core in ('numpy.core', 'numpy._core'):
        table[(f'{core}.multiarray', '_reconstruct')] = multiarray._reconstruct
        table[(f'{core}.multiarray', 'scalar')] = multiarray.scalar
        # protocol-5 pickles of contiguous arrays (numpy >= 1.16)
        table[(f'{core}.numeric', '_frombuffer')] = numeric._frombuffer
    dtypes = getattr(np, 'dtypes', None)  # dtype classes, numpy >= 1.25
    if dtypes is not None:
        for name in dir(dtypes):
            if name.endswith('DType'):
                table[('numpy.dtypes', name)] = getattr(dtypes, name)
    return table


def _load_storage_weights_only(data: bytes) -> Any:
    """Stand-in for ``torch.storage._load_from_bytes``, which a pickled
    tensor calls to read its storage; torch's version loads those bytes
    with the full unpickler, this one with the weights-only loader."""
    import torch
    return torch.load(io.BytesIO(data), weights_only=True)


def _tensor_globals() -> Dict[Tuple[str, str], Any]:
    import torch
    import torch._utils as tutils
    return {
        ('torch._utils', '_rebuild_tensor_v2'):
        tutils._rebuild_tensor_v2,
        ('torch._utils', '_rebuild_tensor'):
        tutils._rebuild_tensor,
        ('torch.storage', '_load_from_bytes'):
        _load_storage_weights_only,
        ('torch', 'device'):
        torch.device,
        ('torch', 'Size'):
        torch.Size,
        ('torch._tensor', '_rebuild_from_type_v2'):
        _rebuild_plain_tensor_from_type,
    }


def _rebuild_plain_tensor_from_type(func: Callable, new_type: type,
                                    args: tuple, state: Any) -> Any:
    """``torch._tensor._rebuild_from_type_v2`` limited to plain tensors
    (the original calls ``new_type`` and ``__setstate__`` of any class)."""
    import torch
    if new_type is not torch.Tensor or state:
        raise UntrustedPickleError(
            f'a tensor of type {new_type!r} with state is not allowed')
    return func(*args)


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only the globals of plain data files.

    Args:
        file: A binary file object.
        source (str): The file name, for error messages.
        allow_tensors (bool): Also rebuild torch tensors.
    """

    def __init__(self,
                 file: Any,
                 source: str = '<pickle>',
                 allow_tensors: bool = False) -> None:
        super().__init__(file)
        self.source = source
        table = {
            ('builtins', n): getattr(__import__('builtins'), n)
            for n in _BUILTINS
        }
        table.update({
            ('collections', n): getattr(collections, n)
            for n in _COLLECTIONS
        })
        # protocol 2 (mmengine's default for .pkl) writes bytes as
        # _codecs.encode(text, 'latin1'); codecs only transform data
        table[('_codecs', 'encode')] = codecs.encode
        table.update(_numpy_globals())
        if allow_tensors:
            table.update(_tensor_globals())
        self._allowed = table
        # the tensors' own globals are resolved above; the storage type
        # names (torch.FloatStorage, ...) come through here
        self._allow_storage = allow_tensors

    def find_class(self, module: str, name: str) -> Any:
        # Python-2 names (__builtin__.bytes, ...) of protocol 0-2 pickles,
        # renamed as pickle's own find_class does (no Python-3 module has
        # these names, so renaming regardless of the protocol is safe)
        if (module, name) in _compat_pickle.NAME_MAPPING:
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        found = self._allowed.get((module, name))
        if found is not None:
            return found
        if self._allow_storage and module == 'torch' and name.endswith(
                'Storage'):
            import torch
            storage = getattr(torch, name, None)
            if storage is not None:
                return storage
        raise UntrustedPickleError(
            f'{self.source}: refused to load the global {module}.{name}: '
            'data files may only hold builtin containers and scalars and '
            'numpy arrays, and this one references other code, which a '
            'pickle runs while it is loaded. If you trust where the file '
            'comes from, pass --trust-pickle (Python: trust=True / '
            f'trust_pickle=True); see {SAFETY_DOC}.')


def loads_pickle(data: bytes,
                 source: str = '<bytes>',
                 trust: bool = False,
                 allow_tensors: bool = False) -> Any:
    """Unpickle bytes with :class:`RestrictedUnpickler` (``trust=False``)
    or the standard unpickler (``trust=True``)."""
    if trust:
        return pickle.loads(data)
    return RestrictedUnpickler(
        io.BytesIO(data), source=source, allow_tensors=allow_tensors).load()


def load_pickle(path: str,
                trust: bool = False,
                allow_tensors: bool = False,
                backend_args: Optional[dict] = None) -> Any:
    """Load a pickle file; see the module docstring for what is allowed.

    Args:
        path (str): A local path, or any URI mmengine's file backends read
            (with ``backend_args``).
        trust (bool): Load with the standard unpickler, which runs any code
            the file names. Only for files whose origin you trust.
        allow_tensors (bool): Also rebuild torch tensors.
        backend_args (dict, optional): mmengine file-backend arguments.

    Raises:
        UntrustedPickleError: The file references a global outside the
            allow-list (the message names it and the opt-out).
    """
    path = os.fspath(path)
    if backend_args is None and '://' not in path:
        with open(path, 'rb') as f:
            if trust:
                return pickle.load(f)
            return RestrictedUnpickler(
                f, source=path, allow_tensors=allow_tensors).load()
    from mmengine.fileio import get
    return loads_pickle(
        get(path, backend_args=backend_args),
        source=path,
        trust=trust,
        allow_tensors=allow_tensors)


def load_npy(path: str,
             trust: bool = False,
             mmap_mode: Optional[str] = None) -> Any:
    """Load a ``.npy`` file; an object array (a pickle inside the file) is
    read with :class:`RestrictedUnpickler` unless ``trust``.

    ``np.load(allow_pickle=True)`` would run the embedded pickle with the
    standard unpickler, and numpy offers no way to pass another one, so the
    header is parsed here and the object payload handed to ours.
    ``np.load`` keeps reading every non-object file (memory-mapped with
    ``mmap_mode``).
    """
    path = os.fspath(path)
    with open(path, 'rb') as f:
        version = np.lib.format.read_magic(f)
        read_header = {
            (1, 0): np.lib.format.read_array_header_1_0,
            (2, 0): np.lib.format.read_array_header_2_0
        }.get(version)
        # a version-3 header (rare) goes to np.load, which refuses objects
        dtype = read_header(f)[2] if read_header is not None else None
        if dtype is not None and dtype.hasobject:
            if trust:
                return pickle.load(f)
            return RestrictedUnpickler(f, source=path).load()
    return np.load(path, mmap_mode=mmap_mode, allow_pickle=False)


def add_trust_pickle_argument(parser: Any) -> None:
    """The ``--trust-pickle`` flag of every tool that reads pickles."""
    parser.add_argument(
        '--trust-pickle',
        action='store_true',
        help='read .pkl / object .npy input with the standard unpickler, '
        'which runs any code the file names (only for files whose origin '
        'you trust); by default only plain data is loaded')
