from typing import Optional

from mmaction.models.recognizers import RecognizerGCN
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType

from ..utils import with_derived_in_channels


@MODELS.register_module()
class USDRLRecognizer(RecognizerGCN):
    """MMAction2's ``RecognizerGCN`` whose head width comes from the
    backbone.

    Identical to ``RecognizerGCN`` (same forward, same module and
    state-dict names, so its checkpoints load either way), except that a
    ``cls_head`` config without ``in_channels`` gets the width the built
    backbone hands that head: ``backbone.pooled_channels`` for
    ``USDRLClsHead``, ``backbone.dense_channels`` for ``DenseFrameHead``
    (the attribute each head class names in ``in_channels_from``;
    ``out_channels`` for other heads that take ``in_channels``). A config
    that changes the encoder's ``hidden_dim`` so no longer restates
    ``in_channels=2 * hidden_dim``. An explicit ``in_channels`` is used as
    given; heads without the argument (``USDRLFeatureHead``) are built as
    they are.

    Args:
        backbone, cls_head, neck, train_cfg, test_cfg, data_preprocessor:
            as ``RecognizerGCN``.
    """

    def __init__(self,
                 backbone: ConfigType,
                 cls_head: OptConfigType = None,
                 neck: OptConfigType = None,
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None) -> None:
        # the parent builds the backbone (and neck) first; the head follows
        # once the backbone's widths are known, in the parent's order
        super().__init__(
            backbone=backbone,
            cls_head=None,
            neck=neck,
            train_cfg=train_cfg,
            test_cfg=test_cfg,
            data_preprocessor=data_preprocessor)
        head: Optional[dict] = with_derived_in_channels(
            cls_head, self.backbone, 'cls_head')
        if head is not None:
            self.cls_head = MODELS.build(head)
