import pytest
import torch
from mmaction.structures import ActionDataSample

from usdrl_mm.evaluation import KNNMetric
from usdrl_mm.structures.action_labels import set_gt_label


def sample(feature, label, role):
    s = ActionDataSample()
    set_gt_label(s, label)
    s.set_field(torch.tensor(feature), 'clip_feature')
    s.set_metainfo(dict(knn_role=role))
    return s.to_dict()


def test_metric_classifies_queries_against_the_gallery():
    metric = KNNMetric(ks=(1, ))
    metric.process(
        None,
        [
            sample([1., 0.], 0, 'gallery'),
            sample([0., 1.], 1, 'gallery'),
            sample([0.9, 0.2], 0, 'query'),
            sample([0.1, 0.8], 0, 'query'),  # wrong: nearest is label 1
        ])
    assert metric.compute_metrics(metric.results) == {'top1_k1': 0.5}


def test_metric_explains_missing_inputs():
    metric = KNNMetric()
    s = sample([1., 0.], 0, 'gallery')
    del s['knn_role']
    with pytest.raises(KeyError, match='GalleryQueryDataset'):
        metric.process(None, [s])
    metric.process(None, [sample([1., 0.], 0, 'gallery')])
    with pytest.raises(ValueError, match='no query samples'):
        metric.compute_metrics(metric.results)


def test_mean_class_accuracy_weighs_every_class_alike():
    # three queries of class 0 and one of class 1, all nearest to the
    # class-0 gallery sample: top-1 3/4, mean-class (1 + 0) / 2
    metric = KNNMetric(ks=(1, 2), mean_class=True)
    metric.process(None, [
        sample([1., 0.], 0, 'gallery'),
        sample([0., 1.], 1, 'gallery'),
        sample([0.9, 0.1], 0, 'query'),
        sample([0.8, 0.3], 0, 'query'),
        sample([1.0, 0.2], 0, 'query'),
        sample([0.7, 0.4], 1, 'query'),
    ])
    result = metric.compute_metrics(metric.results)
    assert result['top1_k1'] == pytest.approx(0.75)
    assert result['mean1_k1'] == pytest.approx(0.5)
    # k=2 sees both gallery samples; the tie goes to the more similar one
    assert result['top1_k2'] == pytest.approx(0.75)
    assert result['mean1_k2'] == pytest.approx(0.5)
    assert 'mean1_k1' not in KNNMetric(ks=(1, )).compute_metrics(
        metric.results)
