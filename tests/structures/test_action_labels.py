"""One accessor for the label and score fields that MMAction2 1.2.0
renamed: both spellings read alike, on whichever MMAction2 is installed."""
import mmaction
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.structures import BaseDataElement, LabelData

from usdrl_mm._compat import release
from usdrl_mm.structures.action_labels import (gt_label_of, pred_score_of,
                                               set_gt_label)

NEW_NAMES = release(mmaction.__version__)[:2] >= (1, 2)


def test_setter_writes_the_installed_mmaction2_field():
    sample = set_gt_label(ActionDataSample(), 3)
    assert isinstance(sample, ActionDataSample)
    # 1.1.0 calls it gt_labels (a LabelData), 1.2.0 gt_label (a tensor)
    assert sample.keys() == (['gt_label'] if NEW_NAMES else ['gt_labels'])
    assert gt_label_of(sample).tolist() == [3]
    assert gt_label_of(sample.to_dict()).tolist() == [3]
    set_gt_label(sample, torch.tensor([5]))  # a tensor, as in datasets
    assert gt_label_of(sample).tolist() == [5]


@pytest.mark.parametrize(
    'sample',
    [
        dict(gt_label=torch.tensor([2])),  # 1.2, to_dict()
        dict(gt_labels=dict(item=torch.tensor([2]))),  # 1.1, to_dict()
        BaseDataElement(gt_label=torch.tensor([2])),
        BaseDataElement(gt_labels=LabelData(item=torch.tensor([2]))),
    ],
    ids=['1.2-dict', '1.1-dict', '1.2-element', '1.1-element'])
def test_both_spellings_give_the_label(sample):
    assert gt_label_of(sample).tolist() == [2]


def test_predicted_scores_of_either_spelling():
    scores = torch.tensor([.1, .7, .2])
    assert torch.equal(pred_score_of(dict(pred_score=scores)), scores)
    assert torch.equal(
        pred_score_of(dict(pred_scores=dict(item=scores))), scores)
    predicted = ActionDataSample().set_pred_score(scores)
    assert torch.equal(pred_score_of(predicted), scores)
    assert torch.equal(pred_score_of(predicted.to_dict()), scores)


def test_a_missing_field_names_both_spellings():
    with pytest.raises(KeyError, match=r"gt_label .*gt_labels .*'feature'"):
        gt_label_of(dict(feature=torch.zeros(2)))
    with pytest.raises(KeyError, match='pred_score .*pred_scores'):
        pred_score_of(set_gt_label(ActionDataSample(), 0))
    with pytest.raises(TypeError, match='got list'):
        gt_label_of([torch.tensor([1])])
