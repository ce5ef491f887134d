from .mgfd_projector import MGFDProjector
from .usdrl_pool_neck import USDRLPoolNeck

__all__ = ['MGFDProjector', 'USDRLPoolNeck']
