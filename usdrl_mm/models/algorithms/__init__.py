from .mgfd import MGFD
from .mpct import MPCT

__all__ = ['MGFD', 'MPCT']
