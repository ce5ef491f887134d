from .io import atomic_dump
from .pku_mmd import (convert_pku_mmd, parse_split_file, read_pku_labels,
                      read_pku_skeleton, trim_instances)

__all__ = [
    'atomic_dump', 'convert_pku_mmd', 'parse_split_file', 'read_pku_labels',
    'read_pku_skeleton', 'trim_instances'
]
