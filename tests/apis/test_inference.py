import copy
import logging
import os.path as osp

import mmengine
import numpy as np
import pytest
import torch
from mmengine.config import Config

from usdrl_mm.apis import extract_features
from usdrl_mm.apis import inference as inference_module
from usdrl_mm.apis import (inference_action_detector,
                           inference_action_segmentor, inference_recognizer,
                           init_model, label_runs)
from usdrl_mm.datasets.synthetic import generate_trimmed, generate_untrimmed
from usdrl_mm.evaluation.functional import mean_filter

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
REC_CFG = osp.join(
    REPO, 'configs/usdrl/benchmarks/'
    'dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py')
DENSE_CFG = osp.join(
    REPO, 'configs/usdrl/dense/'
    'dste-tiny-detection-linear_1xb64-joint-15e_synthetic-xsub-keypoint-3d.py')
TINY = {
    'model.backbone.hidden_dim': 16,
    'model.backbone.num_layers': 1,
    'model.backbone.init_cfg': None,
    'model.cls_head.in_channels': 32,
}


@pytest.fixture(scope='module')
def recognizer():
    torch.manual_seed(0)
    return init_model(REC_CFG, cfg_options=TINY)


@pytest.fixture(scope='module')
def dense_model():
    torch.manual_seed(0)
    return init_model(DENSE_CFG, cfg_options=TINY)


@pytest.fixture(scope='module')
def clips():
    annos = generate_trimmed(num_classes=2, num_subjects=3, num_reps=1)
    return [a['keypoint'] for a in annos['annotations'][:3]]


@pytest.fixture(scope='module')
def sequence():
    annos = generate_untrimmed(num_sequences=1, num_subjects=3)
    return annos['annotations'][0]['keypoint'][:, :200]  # (1, 200, 25, 3)


def test_init_model_builds_tiny_eval_model(recognizer):
    assert not recognizer.training
    assert recognizer.cfg.model.backbone.hidden_dim == 16
    assert recognizer.backbone.hidden_dim == 16
    assert recognizer.cls_head.fc.in_features == 32


def test_init_model_leaves_config_and_drops_missing_pretrained(tmp_path):
    cfg = Config.fromfile(REC_CFG)
    missing = str(tmp_path / 'missing.pth')
    options = {k: v for k, v in TINY.items() if 'init_cfg' not in k}
    options['model.backbone.init_cfg.checkpoint'] = missing
    model = init_model(cfg, cfg_options=options)
    assert model.cfg.model.backbone.init_cfg is None
    # the caller's config is untouched
    assert cfg.model.backbone.hidden_dim == 64
    assert cfg.model.backbone.init_cfg.type == 'Pretrained'


def test_init_model_loads_pretrained_and_checkpoint(tmp_path, recognizer):
    path = str(tmp_path / 'ckpt.pth')
    torch.save(
        dict(state_dict=recognizer.state_dict(), meta=dict(epoch=1)), path)
    # a full checkpoint
    loaded = init_model(REC_CFG, path, cfg_options=TINY)
    for (name, a), b in zip(recognizer.state_dict().items(),
                            loaded.state_dict().values()):
        assert torch.equal(a, b), name
    # the encoder through the backbone's Pretrained init_cfg
    options = {k: v for k, v in TINY.items() if 'init_cfg' not in k}
    options['model.backbone.init_cfg.checkpoint'] = path
    pretrained = init_model(REC_CFG, cfg_options=options)
    assert torch.equal(pretrained.backbone.spatial_pos,
                       recognizer.backbone.spatial_pos)
    w = recognizer.backbone.state_dict()
    for name, value in pretrained.backbone.state_dict().items():
        assert torch.equal(value, w[name]), name


def test_extract_features_shapes_and_determinism(recognizer, clips):
    feats = extract_features(recognizer, clips[:2])
    assert isinstance(feats, np.ndarray)
    assert feats.shape == (2, 32) and feats.dtype == np.float32
    assert np.isfinite(feats).all()
    assert not np.allclose(feats[0], feats[1])
    np.testing.assert_array_equal(feats,
                                  extract_features(recognizer, clips[:2]))
    singles = np.concatenate([extract_features(recognizer, c) for c in clips])
    np.testing.assert_allclose(
        extract_features(recognizer, clips, batch_size=2),
        singles,
        rtol=1e-5,
        atol=1e-5)
    np.testing.assert_allclose(feats, singles[:2], rtol=1e-5, atol=1e-5)


def test_extract_features_from_annotation_file(recognizer, clips, tmp_path):
    annotations = [
        dict(frame_dir=f'c{i}', keypoint=kp, total_frames=kp.shape[1])
        for i, kp in enumerate(clips)
    ]
    path = str(tmp_path / 'ann.pkl')
    mmengine.dump(dict(annotations=annotations), path)
    np.testing.assert_allclose(
        extract_features(recognizer, path),
        extract_features(recognizer, clips),
        rtol=1e-5,
        atol=1e-5)


def test_extract_features_of_dense_model(dense_model, clips):
    # the window pipeline packs dense samples; clips take the minimal path
    feats = extract_features(dense_model, clips[:2])
    assert feats.shape == (2, 32) and np.isfinite(feats).all()


def test_extract_features_of_pretraining_model_equal_its_recognizer(
        recognizer, clips):
    # the MG-FD model of the pretraining config, with the recognizer's
    # encoder: same features through the API
    cfg = osp.join(
        REPO, 'configs/usdrl/'
        'mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py')
    mgfd = init_model(
        cfg,
        cfg_options={
            'model.backbone.hidden_dim': 16,
            'model.backbone.num_layers': 1,
            'model.projector.in_channels': 16
        })
    mgfd.backbone.load_state_dict(recognizer.backbone.state_dict())
    feats = extract_features(mgfd, clips[:2])
    assert feats.shape == (2, 32)
    np.testing.assert_allclose(
        feats, extract_features(recognizer, clips[:2]), rtol=1e-5, atol=1e-6)


def test_inference_recognizer(recognizer, clips, tmp_path):
    result = inference_recognizer(recognizer, clips[0])
    assert set(result) == {'label', 'score', 'scores'}
    assert isinstance(result['label'], int)
    assert isinstance(result['score'], float)
    assert result['scores'].shape == (10, )
    assert 0 <= result['label'] < 10
    assert result['score'] == pytest.approx(result['scores'].max())
    assert result['scores'].sum() == pytest.approx(1.0, abs=1e-5)

    label_map = tmp_path / 'labels.txt'
    label_map.write_text('\n'.join(f'action{i}' for i in range(10)))
    results = inference_recognizer(recognizer, clips, str(label_map))
    assert isinstance(results, list) and len(results) == 3
    np.testing.assert_allclose(results[0]['scores'], result['scores'], 1e-5,
                               1e-6)
    assert results[0]['label_name'] == f'action{result["label"]}'

    short = tmp_path / 'short.txt'
    short.write_text('a\nb\n')
    with pytest.raises(ValueError, match='2 names for 10 classes'):
        inference_recognizer(recognizer, clips[0], str(short))


def test_inference_action_detector(dense_model, sequence):
    t = sequence.shape[1]
    # a zero activity threshold makes the whole sequence one proposal
    everything = inference_action_detector(
        dense_model, sequence, dict(method='activity', smooth=1, threshold=0.))
    assert len(everything) == 1
    assert (everything[0]['start'], everything[0]['end']) == (0, t)

    proposals = inference_action_detector(
        dense_model, sequence, dict(method='class_runs', threshold=0.05))
    assert proposals
    for p in proposals:
        assert set(p) == {'label', 'start', 'end', 'score'}
        assert 0 <= p['start'] < p['end'] <= t
        assert 0 <= p['label'] < 10
        assert 0. <= p['score'] <= 1.
    assert proposals == inference_action_detector(
        dense_model, sequence, dict(method='class_runs', threshold=0.05))
    # the config's rule (activity, smooth 20, threshold 0.4) by default
    assert isinstance(inference_action_detector(dense_model, sequence), list)


@pytest.mark.parametrize('old,new,args', [
    ('inference_detector', 'inference_action_detector',
     (dict(method='class_runs', threshold=0.05), )),
    ('inference_segmentor', 'inference_action_segmentor', (5, )),
])
def test_old_names_are_deprecated_aliases_that_warn_once(
        dense_model, sequence, monkeypatch, old, new, args):
    from usdrl_mm import apis
    monkeypatch.setattr(inference_module, '_deprecation_warned', set())
    with pytest.warns(DeprecationWarning, match=f'call {new}') as caught:
        first = getattr(apis, old)(dense_model, sequence, *args)
        again = getattr(apis, old)(dense_model, sequence, *args)
    ours = [w for w in caught if f'apis.{old} ' in str(w.message)]
    assert len(ours) == 1  # once per process, not per call
    assert ours[0].category is DeprecationWarning
    # the warning points at the caller, not at the alias
    assert ours[0].filename == __file__
    expected = getattr(apis, new)(dense_model, sequence, *args)
    if isinstance(expected, dict):  # the segmentor's arrays
        for key, value in expected.items():
            np.testing.assert_array_equal(first[key], value)
            np.testing.assert_array_equal(again[key], value)
    else:
        assert first == again == expected


@pytest.mark.parametrize('num_frames', [30, 64, 200])
def test_inference_segmentor(dense_model, sequence, num_frames):
    seq = sequence[:, :num_frames]
    result = inference_action_segmentor(dense_model, seq)
    assert result['labels'].shape == (num_frames, )
    assert result['labels'].dtype == np.int64
    assert result['scores'].shape == (num_frames, 11)
    np.testing.assert_allclose(result['scores'].sum(-1), 1., atol=1e-5)
    np.testing.assert_array_equal(result['labels'],
                                  result['scores'].argmax(-1))
    smoothed = inference_action_segmentor(dense_model, seq, smooth=5)
    np.testing.assert_allclose(smoothed['scores'],
                               mean_filter(result['scores'], 5))


def test_label_runs_by_hand():
    labels = np.array([0, 2, 2, 0, 1, 1, 1, 2])
    scores = np.full((8, 3), 0.1)
    scores[[1, 2], 2] = [0.6, 0.8]
    runs = label_runs(labels, scores)
    assert [(r['label'], r['start'], r['end']) for r in runs] == [(1, 1, 3),
                                                                  (0, 4, 7),
                                                                  (1, 7, 8)]
    assert runs[0]['score'] == pytest.approx(0.7)
    assert runs[1]['score'] == pytest.approx(0.1)
    assert label_runs(np.zeros(0, np.int64), np.zeros((0, 3))) == []
    assert label_runs(np.zeros(5, np.int64), scores[:5]) == []


def test_segmentor_segments_are_its_label_runs(dense_model, sequence):
    result = inference_action_segmentor(dense_model, sequence, smooth=5)
    labels, scores = result['labels'], result['scores']
    rebuilt = np.zeros_like(labels)
    for seg in result['segments']:
        start, end, action = seg['start'], seg['end'], seg['label'] + 1
        assert 0 <= start < end <= len(labels) and action >= 1
        assert (labels[start:end] == action).all()
        assert seg['score'] == pytest.approx(scores[start:end, action].mean())
        rebuilt[start:end] = action
    np.testing.assert_array_equal(rebuilt, labels)


def test_segmentor_windows_are_independent_of_later_frames(
        dense_model, sequence):
    # with the test stride (one window per 64 frames) the first window's
    # frames do not see frames past 64
    assert dense_model.cfg.test_dataloader.dataset.stride == 64
    a = inference_action_segmentor(dense_model, sequence[:, :150])['scores']
    b = inference_action_segmentor(dense_model, sequence[:, :128])['scores']
    np.testing.assert_allclose(a[:64], b[:64], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('bad, match', [
    (np.zeros((50, 25, 3), np.float32), r'\(M, T, V, C\)'),
    (np.zeros((1, 50, 17, 3), np.float32), '17 joints'),
    (np.zeros((1, 50, 25, 2), np.float32), '2 channels'),
    (np.zeros((1, 0, 25, 3), np.float32), 'empty'),
])
def test_unusable_input(recognizer, dense_model, bad, match):
    with pytest.raises(ValueError, match=match):
        extract_features(recognizer, bad)
    with pytest.raises(ValueError, match=match):
        inference_recognizer(recognizer, [bad])
    with pytest.raises(ValueError, match=match):
        inference_action_segmentor(dense_model, bad)


def test_nan_and_wrong_model(recognizer, dense_model, sequence):
    nan = sequence.copy()
    nan[0, 3, 4, 1] = np.nan
    with pytest.raises(ValueError, match='NaN'):
        inference_action_detector(dense_model, nan)
    with pytest.raises(ValueError, match='UntrimmedPoseDataset'):
        inference_action_detector(recognizer, sequence)
    with pytest.raises(ValueError, match='one untrimmed sequence'):
        inference_action_segmentor(dense_model, [sequence, sequence])
    with pytest.raises(ValueError, match='smooth'):
        inference_action_segmentor(dense_model, sequence, smooth=0)
    with pytest.raises(TypeError, match='skeletons must be'):
        extract_features(recognizer, 3)


@pytest.mark.parametrize('dtype', [object, bool])
def test_object_and_bool_arrays_are_refused(recognizer, clips, dtype):
    bad = clips[0].astype(dtype)
    for run in (inference_recognizer, extract_features):
        with pytest.raises(ValueError) as info:
            run(recognizer, bad)
        message = str(info.value)
        assert message.startswith(
            f"skeleton '#0': `keypoint` is a {np.dtype(dtype)} array of "
            f'shape {bad.shape}; expected a real floating-point or integer '
            'array of shape (M, T, V, C)')


def test_huge_values_and_non_finite_scores_are_refused(recognizer, clips):
    big = clips[1].copy()
    big[0, 3, 4, 1] = 1e30  # finite in float32, NaN scores without the check
    with pytest.raises(ValueError) as info:
        inference_recognizer(recognizer, [clips[0], big])
    assert str(info.value).startswith(
        "skeleton '#1': `keypoint` holds 1e+30 at person 0, frame 3, "
        'joint 4, channel 1, its largest value')
    # a checkpoint with NaN weights: the input passes, the scores do not
    broken = copy.deepcopy(recognizer)
    with torch.no_grad():
        broken.cls_head.fc.weight.fill_(float('nan'))
    with pytest.raises(ValueError) as info:
        inference_recognizer(broken, clips[0])
    message = str(info.value)
    assert message.startswith("skeleton '#0': the model's class scores are "
                              'not finite (10 of 10 are NaN or inf)')
    assert 'NaN / inf weights' in message


def test_persons_beyond_the_model_are_named(recognizer, monkeypatch):
    logged = []
    monkeypatch.setattr(
        inference_module, 'print_log', lambda msg, **kw: logged.append(
            (msg, kw.get('level'))))
    four = np.random.default_rng(0).normal(size=(4, 40, 25, 3))
    result = inference_recognizer(recognizer, four)
    ((message, level), ) = logged
    assert level == logging.WARNING
    assert message.startswith("skeleton '#0': 4 persons, the model takes 2: "
                              'keeping persons 0, 1 and dropping 2, 3')
    assert 'keeps the first 2 along the persons axis M' in message
    assert 'keypoint[[2, 0]]' in message  # how to keep others
    logged.clear()
    # the kept persons are the ones named
    np.testing.assert_allclose(
        inference_recognizer(recognizer, four[:2])['scores'],
        result['scores'],
        rtol=1e-5,
        atol=1e-6)
    assert logged == []  # no more persons than the model takes


@pytest.mark.parametrize(
    'backbone',
    [
        dict(),  # NTU's defaults
        dict(num_joints=17, in_channels=2, num_persons=1, clip_len=32),
        dict(skeleton=dict(layout='coco', num_person=1, coord_dims=2)),
        dict(
            skeleton=dict(layout='coco', coord_dims=3),
            num_modalities=3,
            num_joints=None),
    ])
def test_configured_geometry_is_what_the_built_encoder_takes(backbone):
    from usdrl_mm.apis.inference import configured_geometry, encoder_geometry
    cfg = Config.fromfile(REC_CFG)
    cfg.merge_from_dict(TINY)
    for key in ('num_joints', 'num_persons', 'in_channels'):
        cfg.model.backbone.pop(key)
    cfg.model.backbone.update(backbone)
    expected = configured_geometry(cfg)
    model = init_model(cfg)
    assert encoder_geometry(model) == expected
    assert expected['num_persons'] == backbone.get(
        'num_persons',
        backbone.get('skeleton', {}).get('num_person', 2))
