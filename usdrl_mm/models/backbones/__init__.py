from .dste import DSTE

__all__ = ['DSTE']
