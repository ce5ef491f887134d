from .dense_frame_head import DenseFrameHead, dense_tokens
from .mgfd_head import MGFDHead
from .mpct_head import MPCTHead
from .usdrl_cls_head import USDRLClsHead, USDRLFeatureHead

__all__ = [
    'DenseFrameHead', 'MGFDHead', 'MPCTHead', 'USDRLClsHead',
    'USDRLFeatureHead', 'dense_tokens'
]
