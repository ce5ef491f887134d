from .dense_frame_head import DenseFrameHead, dense_tokens
from .mgfd_head import MGFDHead
from .usdrl_cls_head import USDRLClsHead, USDRLFeatureHead

__all__ = [
    'DenseFrameHead', 'MGFDHead', 'USDRLClsHead', 'USDRLFeatureHead',
    'dense_tokens'
]
