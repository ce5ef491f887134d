"""Reading and writing files safely: untrusted pickles, atomic outputs."""
from .atomic import (atomic_torch_save, atomic_write, atomic_write_json,
                     publish, remove_stale_temporaries, temporary_path)
from .safe_pickle import (SAFETY_DOC, RestrictedUnpickler,
                          UntrustedPickleError, add_trust_pickle_argument,
                          load_npy, load_pickle, loads_pickle)

__all__ = [
    'SAFETY_DOC', 'RestrictedUnpickler', 'UntrustedPickleError',
    'add_trust_pickle_argument', 'load_npy', 'load_pickle', 'loads_pickle',
    'atomic_torch_save', 'atomic_write', 'atomic_write_json', 'publish',
    'remove_stale_temporaries', 'temporary_path'
]
