"""One default proposal rule (usdrl_mm.evaluation.functional.proposals),
applied the same way by PKUDetectionMetric and inference_action_detector."""
import inspect

import numpy as np
import pytest

from usdrl_mm.evaluation.functional import (DEFAULT_PROPOSAL,
                                            activity_proposals,
                                            class_run_proposals,
                                            generate_proposals,
                                            proposals_by_rule)
from usdrl_mm.evaluation.metrics import PKUDetectionMetric


def frame_scores(seed: int = 0, frames: int = 120, classes: int = 4):
    """(T, C) softmax scores, background at 0, with two action bursts."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(frames, classes))
    logits[20:50, 2] += 4
    logits[70:100, 1] += 4
    logits[:, 0] += 1
    e = np.exp(logits)
    return e / e.sum(1, keepdims=True)


def test_the_default_rule():
    assert dict(DEFAULT_PROPOSAL) == dict(
        method='activity', smooth=20, threshold=0.4)
    with pytest.raises(TypeError):
        DEFAULT_PROPOSAL['smooth'] = 1  # read-only: nobody changes it


def test_the_functions_default_to_the_rule():
    params = inspect.signature(activity_proposals).parameters
    assert params['smooth'].default == DEFAULT_PROPOSAL['smooth']
    assert params['threshold'].default == DEFAULT_PROPOSAL['threshold']
    method = inspect.signature(generate_proposals).parameters['method']
    assert method.default == DEFAULT_PROPOSAL['method']


def test_the_metric_defaults_to_the_rule():
    metric = PKUDetectionMetric(num_classes=3)
    assert metric.proposal == dict(DEFAULT_PROPOSAL)
    assert type(metric.proposal) is dict  # its own copy


def test_proposals_by_rule():
    scores = frame_scores()
    assert proposals_by_rule(scores) == activity_proposals(scores)
    tpami = dict(method='class_runs', threshold=0.02, smooth=1)
    found = proposals_by_rule(scores, tpami)
    assert found == class_run_proposals(scores, threshold=0.02, smooth=1)
    assert found != proposals_by_rule(scores)  # the rules differ
    assert tpami == dict(method='class_runs', threshold=0.02, smooth=1)


def test_a_rule_without_method_is_the_default_method():
    scores = frame_scores(1)
    assert proposals_by_rule(scores, dict(smooth=5, threshold=0.3)) == \
        activity_proposals(scores, smooth=5, threshold=0.3)


def test_an_unknown_method():
    with pytest.raises(ValueError, match="unknown proposal method 'nms'"):
        proposals_by_rule(frame_scores(), dict(method='nms'))
