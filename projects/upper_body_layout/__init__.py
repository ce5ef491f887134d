from .ntu_upper_13 import NTU_UPPER13

__all__ = ['NTU_UPPER13']
