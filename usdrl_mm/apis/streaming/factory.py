"""Pick the stream class that fits a model."""
from typing import Dict, Optional, Union

import torch
from torch import nn

from ..inference import init_model
from .detector import StreamingDetector
from .recognizer import StreamingRecognizer
from .stream import ConfigLike, SkeletonStream


def stream_for(model: nn.Module, **kwargs) -> SkeletonStream:
    """A :class:`StreamingDetector` for a dense model (``DenseFrameHead``),
    else a :class:`StreamingRecognizer`; ``kwargs`` go to the class."""
    head = type(getattr(model, 'cls_head', None)).__name__
    cls = StreamingDetector if head == 'DenseFrameHead' \
        else StreamingRecognizer
    return cls(model, **kwargs)


def init_stream(config: ConfigLike,
                checkpoint: Optional[str] = None,
                device: Union[str, torch.device] = 'cpu',
                cfg_options: Optional[Dict] = None,
                **kwargs) -> SkeletonStream:
    """:func:`~usdrl_mm.apis.init_model` and :func:`stream_for` in one
    call."""
    return stream_for(
        init_model(config, checkpoint, device, cfg_options), **kwargs)
