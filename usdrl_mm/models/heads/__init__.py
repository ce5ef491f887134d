from .mgfd_head import MGFDHead
from .usdrl_cls_head import USDRLClsHead, USDRLFeatureHead

__all__ = ['MGFDHead', 'USDRLClsHead', 'USDRLFeatureHead']
