import pytest
import torch
from mmaction.models.recognizers import RecognizerGCN
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from torch import nn

from usdrl_mm.models import USDRLRecognizer
from usdrl_mm.structures.action_labels import set_gt_label


def shapes_of(model):
    return [(k, tuple(v.shape)) for k, v in model.state_dict().items()]


def build(kind, head, hidden=16, **backbone):
    torch.manual_seed(0)
    return MODELS.build(
        dict(
            type=kind,
            backbone=dict(
                type=backbone.pop('type', 'DSTE'),
                hidden_dim=hidden,
                clip_len=8,
                **backbone),
            cls_head=head))


@pytest.mark.parametrize('head,width', [
    (dict(type='USDRLClsHead', num_classes=5), 'pooled_channels'),
    (dict(type='USDRLClsHead', num_classes=5,
          feat_norm=True), 'pooled_channels'),
    (dict(type='DenseFrameHead', num_classes=7), 'dense_channels'),
])
@pytest.mark.parametrize('arch', ['DSTE', 'STTR'])
def test_the_head_width_comes_from_the_backbone(head, width, arch):
    """USDRLRecognizer without in_channels == RecognizerGCN with
    in_channels = 2 x hidden_dim: same modules, parameter names, shapes and
    outputs."""
    derived = build('USDRLRecognizer', head, hidden=24, type=arch)
    explicit = build(
        'RecognizerGCN', dict(head, in_channels=48), hidden=24, type=arch)
    assert isinstance(derived, RecognizerGCN)
    assert derived.cls_head.in_channels == getattr(derived.backbone,
                                                   width) == 48
    assert shapes_of(derived) == shapes_of(explicit)
    assert list(dict(derived.named_children())) == list(
        dict(explicit.named_children()))
    derived.load_state_dict(explicit.state_dict())
    x = torch.randn(2, 1, 2, 8, 25, 3)  # (N, K clips, M, T, V, C)
    derived.eval(), explicit.eval()
    with torch.no_grad():
        a = derived.cls_head(derived.extract_feat(x)[0])
        b = explicit.cls_head(explicit.extract_feat(x)[0])
    assert torch.equal(a, b)


def test_a_given_width_is_kept_and_other_heads_are_left_alone():
    head = dict(type='USDRLClsHead', num_classes=5, in_channels=10)
    assert build('USDRLRecognizer', head).cls_head.in_channels == 10
    feature = build('USDRLRecognizer', dict(type='USDRLFeatureHead'))
    assert type(feature.cls_head).__name__ == 'USDRLFeatureHead'
    assert not hasattr(feature.cls_head, 'in_channels')
    assert not build('USDRLRecognizer', None).with_cls_head


def test_the_geometry_may_be_a_spec():
    spec = dict(layout='coco', coord_dims=2, with_score=True)
    model = build(
        'USDRLRecognizer',
        dict(type='USDRLClsHead', num_classes=4),
        skeleton=spec)
    loose = build(
        'RecognizerGCN',
        dict(type='USDRLClsHead', num_classes=4, in_channels=32),
        num_joints=17)
    assert shapes_of(model) == shapes_of(loose)
    samples = [set_gt_label(ActionDataSample(), 1) for _ in range(2)]
    losses = model.loss(torch.randn(2, 1, 2, 8, 17, 3), samples)
    assert torch.isfinite(losses['loss_cls'])


class WidthlessEncoder(nn.Module):
    """A backbone that declares no widths."""

    def forward(self, x):
        return x


def test_a_backbone_without_the_width_asks_for_it():
    with pytest.raises(ValueError) as err:
        MODELS.build(
            dict(
                type='USDRLRecognizer',
                backbone=dict(type=WidthlessEncoder),
                cls_head=dict(type='USDRLClsHead', num_classes=3)))
    message = str(err.value)
    assert 'has no pooled_channels' in message
    assert 'model.cls_head.in_channels' in message
    assert USDRLRecognizer.__mro__[1] is RecognizerGCN
