from .dste import DSTE
from .sttr import STTR

__all__ = ['DSTE', 'STTR']
