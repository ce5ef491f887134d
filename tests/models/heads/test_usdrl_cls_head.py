import pytest
import torch
from mmaction.structures import ActionDataSample

from usdrl_mm.models import USDRLClsHead, USDRLFeatureHead
from usdrl_mm.structures.action_labels import pred_score_of, set_gt_label


def samples(labels):
    return [set_gt_label(ActionDataSample(), label) for label in labels]


def tokens(n=4, d=8):
    return torch.randn(n, 16, d), torch.randn(n, 50, d)


def test_head_pools_then_classifies():
    head = USDRLClsHead(num_classes=5, in_channels=16)
    head.init_weights()
    assert head.fc.weight.std() < 0.02 and head.fc.bias.abs().sum() == 0
    yt, ys = tokens()
    scores = head((yt, ys))
    pooled = torch.cat([yt.amax(1), ys.amax(1)], -1)
    assert torch.allclose(scores, head.fc(pooled))
    assert torch.allclose(head(pooled), scores)


def test_loss_and_clip_averaged_prediction():
    head = USDRLClsHead(num_classes=5, in_channels=16, topk=(1, ))
    losses = head.loss(tokens(), samples([0, 1, 2, 3]))
    assert losses['loss_cls'] > 0 and 'top1_acc' in losses
    # 2 samples x 2 clips: scores of each sample's clips are averaged
    preds = head.predict(tokens(n=4), samples([0, 1]))
    assert len(preds) == 2 and pred_score_of(preds[0]).shape == (5, )


def test_feature_norm_option():
    head = USDRLClsHead(num_classes=3, in_channels=16, feat_norm=True)
    assert isinstance(head.norm, torch.nn.BatchNorm1d)
    assert not head.norm.affine
    head.train()
    head(tokens(n=6))
    assert head.norm.num_batches_tracked == 1


def test_width_mismatch_is_explained():
    head = USDRLClsHead(num_classes=3, in_channels=32)
    with pytest.raises(ValueError, match='in_channels'):
        head(tokens(d=8))


def test_feature_head_stores_clip_averaged_features():
    head = USDRLFeatureHead()
    yt, ys = tokens(n=4)
    data = head.predict((yt, ys), samples([0, 1]))
    pooled = torch.cat([yt.amax(1), ys.amax(1)], -1)
    assert torch.allclose(data[0].clip_feature, pooled[:2].mean(0))
    with pytest.raises(RuntimeError, match='kNN'):
        head.loss((yt, ys), samples([0, 1]))
