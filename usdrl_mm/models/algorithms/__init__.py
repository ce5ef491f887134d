from .mgfd import MGFD

__all__ = ['MGFD']
