"""usdrl_mm.apis.streaming: frame-by-frame inference against the offline
path on the same sequence, the online segment rules against the offline
ones, bounded memory, person slots, input checks and the benchmark."""
import copy
import gc
import json
import os.path as osp
import tracemalloc

import mmengine
import numpy as np
import pytest
import torch
from mmaction.registry import DATASETS
from mmengine.dataset import pseudo_collate

from usdrl_mm.apis import (StreamingDetector, StreamingRecognizer,
                           inference_action_detector,
                           inference_action_segmentor, inference_recognizer,
                           init_model, init_stream)
from usdrl_mm.apis.streaming import (FrameBuffer, OnlineSegments,
                                     PersonTracker, config_rule)
from usdrl_mm.benchmarks.streaming import (benchmark_streaming,
                                           synthetic_sequence)
from usdrl_mm.datasets.converters import track_people

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DENSE = osp.join(
    REPO, 'configs/usdrl/dense/'
    'dste-tiny-detection-linear_1xb64-joint-15e_synthetic-xsub-keypoint-3d.py')
REC_3D = osp.join(
    REPO, 'configs/usdrl/benchmarks/'
    'dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py')
REC_2D = osp.join(
    REPO, 'configs/usdrl/benchmarks/'
    'dste-linear_1xb512-joint-160e_ntu60-xsub-keypoint-2d.py')
TINY = {
    'model.backbone.hidden_dim': 16,
    'model.backbone.num_layers': 1,
    'model.backbone.init_cfg': None,
    'model.cls_head.in_channels': 32,
}
CLIP = 64  # the configs' clip_len
# per-class runs above 0.3: the sharpened random model's scores (see
# ``tiny``) cross it often, so a sequence gives many segments of several
# classes
RUNS = dict(method='class_runs', threshold=0.3, smooth=1)
ATOL = 1e-5


def layout_options(config, layout, num_joints):
    """``cfg_options`` that retarget a 2D config to another layout, as its
    data preprocessor spells the layout (a skeleton spec or ``layout``)."""
    cfg = mmengine.Config.fromfile(config)
    key = 'model.data_preprocessor.skeleton.layout' \
        if 'skeleton' in cfg.model.data_preprocessor \
        else 'model.data_preprocessor.layout'
    return {key: layout, 'model.backbone.num_joints': num_joints}


def tiny(config, **options):
    """A seeded random-init tiny model whose classifier weights are large
    enough (std 3 instead of 0.01) for its scores to vary between frames
    and classes."""
    torch.manual_seed(0)
    model = init_model(config, cfg_options=dict(TINY, **options))
    torch.nn.init.normal_(model.cls_head.fc.weight, std=3.)
    return model


@pytest.fixture(scope='module')
def dense():
    return tiny(DENSE)


@pytest.fixture(scope='module')
def causal_dense():
    return tiny(DENSE, **{'model.backbone.causal': True})


def sequence(num_frames, persons=2, seed=0, joints=25, dims=3):
    """``(M, T, V, C)`` joints wandering smoothly around a random pose;
    person 1 stands 2 units to the right of person 0."""
    rng = np.random.default_rng(seed)
    base = rng.normal(0, 0.3, (persons, 1, joints, dims))
    base[:, :, :, 0] += 2. * np.arange(persons)[:, None, None]
    # (M, T, V, C): a random walk in time
    walk = np.cumsum(
        rng.normal(0, 0.03, (persons, num_frames, joints, dims)), axis=1)
    return (base + walk).astype(np.float32)


def replay(stream, keypoint, keypoint_score=None, empty=()):
    """Push every frame (``None`` for the frames in ``empty``) and flush;
    returns the updates, the flush last."""
    updates = []
    for t in range(keypoint.shape[1]):
        score = keypoint_score[:, t] if keypoint_score is not None else None
        frame = None if t in empty else keypoint[:, t]
        updates.append(stream.push(frame, score))
    updates.append(stream.flush())
    return updates


def collected(updates):
    """Frames, their scores, and the frame index reporting each."""
    frames = np.concatenate([u.frames for u in updates])
    scores = np.concatenate([u.frame_scores for u in updates])
    reported = np.concatenate(
        [np.full(len(u.frames), u.frame) for u in updates])
    return frames, scores, reported


def same_segments(online, offline):
    """The same (label, start, end) set, with scores within tolerance."""
    key = [(s['label'], s['start'], s['end']) for s in offline]
    got = [(s.label, s.start, s.end) for s in online]
    assert sorted(got) == sorted(key)
    by_key = {(s['label'], s['start'], s['end']): s['score'] for s in offline}
    for s in online:
        assert s.score == pytest.approx(
            by_key[s.label, s.start, s.end], abs=1e-6)


def window_scores(model, keypoint, stride, tmp_path):
    """``{start: (clip_len, K)}`` scores of the offline test windows
    (UntrimmedPoseDataset with ``stride``) of one sequence."""
    ann = tmp_path / 'sequence.pkl'
    mmengine.dump(
        dict(annotations=[
            dict(
                frame_dir='seq',
                keypoint=keypoint,
                total_frames=keypoint.shape[1],
                segments=np.zeros((0, 3), np.int64))
        ]), str(ann))
    cfg = copy.deepcopy(dict(model.cfg.test_dataloader.dataset))
    cfg.update(
        ann_file=str(ann),
        split=None,
        test_mode=True,
        num_classes=None,
        stride=stride)
    cfg.pop('data_root', None)
    dataset = DATASETS.build(cfg)
    out = {}
    with torch.no_grad():
        for i in range(len(dataset)):
            item = dataset[i]
            sample = model.test_step(pseudo_collate([item]))[0]
            start = item['data_samples'].metainfo['window_start']
            out[start] = sample.pred_frame_scores.numpy()
    return out


# --------------------------------------------------------------- dense
def test_default_modes_follow_the_encoder(dense, causal_dense):
    assert StreamingDetector(dense).mode == 'stitched'
    assert StreamingDetector(causal_dense).mode == 'trailing'
    assert StreamingDetector(dense, mode='trailing').mode == 'trailing'


def test_stitched_stream_equals_the_offline_detector(dense):
    """Scores and segments equal inference_action_segmentor /
    inference_action_detector on the whole sequence, the tail window
    included; each frame is final clip_len frames after it (or at the
    flush), reported once, in order."""
    num_frames = 150  # windows 0 and 64, then the tail window at 86
    seq = sequence(num_frames)
    empty = (0, 1, 2, 90)  # nobody in these frames
    seq[:, list(empty)] = 0
    stream = StreamingDetector(dense, proposal=RUNS, tracking=None)
    updates = replay(stream, seq, empty=empty)
    frames, scores, reported = collected(updates)
    np.testing.assert_array_equal(frames, np.arange(num_frames))
    np.testing.assert_array_equal(reported,
                                  np.minimum(frames + CLIP, num_frames - 1))
    offline = inference_action_segmentor(dense, seq)['scores']
    np.testing.assert_allclose(scores, offline, atol=ATOL)
    segments = [s for u in updates for s in u.segments]
    expected = inference_action_detector(dense, seq, RUNS)
    assert len(expected) > 3
    same_segments(segments, expected)
    for u in updates[:-1]:  # reported when the row after them is final
        for s in u.segments:
            assert s.reported_at == u.frame == s.end + CLIP
            assert s.latency == stream.latency == CLIP + 1


def test_a_stream_shorter_than_the_window(dense):
    seq = sequence(40, persons=1)
    updates = replay(StreamingDetector(dense, tracking=None), seq)
    assert all(len(u.frames) == 0 for u in updates[:-1])
    np.testing.assert_allclose(
        updates[-1].frame_scores,
        inference_action_segmentor(dense, seq)['scores'],
        atol=ATOL)


@pytest.mark.parametrize('hop', [1, 5])
def test_causal_trailing_stream_equals_the_offline_windows(
        causal_dense, tmp_path, hop):
    """Once the buffer is full, frame t's score is the offline score of t
    in the window ending at the hop's last frame (the frame itself for
    hop 1); the first window reports its frames together."""
    num_frames = 100
    seq = sequence(num_frames, seed=1)
    stream = StreamingDetector(causal_dense, hop=hop, tracking=None)
    # the config's default rule smooths over 20 frames: decided 10 later
    assert stream.segmenter.delay == 10
    assert stream.latency == hop - 1 + 10
    updates = replay(stream, seq)
    frames, scores, reported = collected(updates)
    np.testing.assert_array_equal(frames, np.arange(num_frames))
    windows = window_scores(causal_dense, seq, 1, tmp_path)
    for f, score, at in zip(frames, scores, reported):
        end = max(at, CLIP - 1)  # the window ending at the report
        np.testing.assert_allclose(
            score, windows[end - CLIP + 1][f - end + CLIP - 1], atol=ATOL)
        if f >= CLIP - 1:
            assert 0 <= at - f <= hop - 1 or at == num_frames - 1
    assert set(reported[frames < CLIP]) == {CLIP - 1}


# ---------------------------------------------------------- recognition
def test_recognizer_stream_equals_offline_clips():
    """Every window label is inference_recognizer on those frames; windows
    every ``interval`` frames once full, and the rest at the flush."""
    model = tiny(REC_3D)
    num_frames, window, interval = 100, 40, 7
    seq = sequence(num_frames, seed=2)
    stream = StreamingRecognizer(
        model, window=window, interval=interval, tracking=None)
    updates = replay(stream, seq)
    labelled = [u for u in updates if u.label is not None]
    ends = [u.window[1] for u in labelled]
    assert ends == list(range(window, num_frames + 1, interval)) + [100]
    for u in labelled:
        start, end = u.window
        assert end - start == window and u.frame == end - 1
        offline = inference_recognizer(model, seq[:, start:end])
        np.testing.assert_allclose(u.scores, offline['scores'], atol=ATOL)
        assert u.label == offline['label']
    # every window is its own clip
    assert not np.allclose(labelled[0].scores, labelled[-1].scores, atol=1e-3)


def test_recognizer_needs_a_skeleton_in_the_window():
    stream = StreamingRecognizer(tiny(REC_3D), window=8, interval=1)
    for _ in range(10):
        assert stream.push(None).label is None  # nobody in view
    frame = sequence(1, persons=1)[:, 0]
    labels = [stream.push(frame).label for _ in range(3)]
    assert labels[:2] == [None, None] and labels[2] is not None


def test_2d_frames_of_several_persons_in_any_order():
    """COCO-17 pixels with scores for 3 persons, shuffled in every frame:
    the tracker puts the two most confident into the slots, ordered by
    their mean score, so the labels equal the offline ones of the two in
    order; the third is dropped with a warning."""
    model = tiny(REC_2D)
    num_frames, window = 60, 30
    # (3, T, 17, 2) pixels: persons 600 px apart
    kp = sequence(num_frames, persons=3, seed=3, joints=17, dims=2)
    kp = kp * 40 + np.array([300., 400.])
    kp[..., 0] += 600 * np.arange(3)[:, None, None] - 2 * 3 * 40
    score = np.stack([np.full((num_frames, 17), s) for s in (0.9, 0.7, 0.2)])
    rng = np.random.default_rng(0)
    stream = StreamingRecognizer(model, window=window, interval=10)
    labelled = []
    for t in range(num_frames):
        order = rng.permutation(3)
        u = stream.push(kp[order, t], score[order, t])
        labelled += [u] if u.label is not None else []
    assert stream.tracker.dropped == num_frames  # one person per frame
    assert len(labelled) == 4
    for u in labelled:
        start, end = u.window
        offline = inference_recognizer(
            model,
            dict(
                keypoint=kp[:2, start:end],
                keypoint_score=score[:2, start:end]))
        np.testing.assert_allclose(u.scores, offline['scores'], atol=ATOL)


def test_layouts_are_checked_with_the_fix():
    """A frame of another layout or joint count is refused with the
    config to use; a 25-joint 2D model takes OpenPose BODY_25 frames."""
    frame = np.random.default_rng(0).uniform(100, 500, (2, 25, 2))
    scores = np.full((2, 25), 0.8)
    coco = StreamingRecognizer(tiny(REC_2D), layout='openpose-body25')
    with pytest.raises(
            ValueError,
            match=r"'openpose-body25' layout.*"
            r'model\.backbone\.num_joints=25'):
        coco.push(frame, scores)
    body25 = tiny(REC_2D, **layout_options(REC_2D, 'openpose-body25', 25))
    stream = StreamingRecognizer(
        body25, layout='openpose-body25', window=4, interval=1)
    labels = [stream.push(frame + t, scores).label for t in range(4)]
    assert labels[-1] is not None
    with pytest.raises(ValueError, match="trained on 'openpose-body25'"):
        StreamingRecognizer(
            body25, layout='coco').push(frame[:, :17], scores[:, :17])
    # (V, 2) with scores, then (V, 3) without: both fit the model alone
    with pytest.raises(ValueError, match='push every frame in one form'):
        stream.push(np.ones((25, 3)))


def test_wrong_joint_count_and_malformed_frames(dense):
    stream = StreamingDetector(dense)
    with pytest.raises(ValueError) as err:
        stream.push(np.ones((17, 3)))
    message = str(err.value)
    assert "trained on 'nturgb+d' 25-joint 3D poses" in message
    assert '17 joints' in message
    assert 'model.backbone.num_joints=17' in message  # the fix
    with pytest.raises(ValueError, match=r'one frame.*push keypoint\[:, t\]'):
        stream.push(np.ones((1, 10, 25, 3)))
    with pytest.raises(ValueError, match='NaN or inf'):
        stream.push(np.full((25, 3), np.nan))
    with pytest.raises(ValueError, match='StreamingRecognizer'):
        StreamingDetector(tiny(REC_3D))
    with pytest.raises(ValueError, match='StreamingDetector'):
        StreamingRecognizer(dense)


def test_init_stream_picks_the_class_for_the_config():
    assert isinstance(init_stream(DENSE, cfg_options=TINY), StreamingDetector)
    stream = StreamingRecognizer.from_config(REC_3D, cfg_options=TINY)
    assert isinstance(stream, StreamingRecognizer) and stream.window == CLIP


# -------------------------------------------------------- memory bounds
@pytest.mark.parametrize('mode', ['stitched', 'trailing'])
def test_memory_does_not_grow_with_the_stream(dense, mode):
    stream = StreamingDetector(dense, mode=mode, hop=8, tracking=None)
    frames = sequence(12 * CLIP, seed=4)
    sizes, traced = [], []
    tracemalloc.start()
    try:
        for t in range(frames.shape[1]):
            stream.push(frames[:, t])
            if t + 1 in (3 * CLIP, 12 * CLIP):
                gc.collect()
                sizes.append(stream.nbytes)
                traced.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    assert sizes[0] == sizes[1] > 0
    assert stream.buffer.keypoint.shape[1] == CLIP
    assert len(stream.segmenter._raw) <= stream.segmenter.smooth
    # 9 windows' worth more frames, no more Python memory than noise
    assert traced[1] - traced[0] < 64 * 1024


def test_frame_buffer_keeps_the_last_frames_in_order():
    buffer = FrameBuffer(5, 2, 3, 2, scored=True)
    for t in range(12):
        buffer.append(np.full((2, 3, 2), t), np.full((2, 3), t))
    kp, score = buffer.window(8, 12)
    np.testing.assert_array_equal(kp[0, :, 0, 0], [8, 9, 10, 11])
    np.testing.assert_array_equal(score[1, :, 2], [8, 9, 10, 11])
    assert len(buffer) == 5 and buffer.first == 7
    with pytest.raises(IndexError, match=r'holds \[7, 12\)'):
        buffer.window(6, 12)
    buffer.skip(7)  # beyond the capacity: all zeros, counted
    assert buffer.count == 19 and not buffer.keypoint.any()


# ------------------------------------------------------- segment rules
def score_track(num_frames, num_classes, seed):
    """``(T, K)`` softmax of random logits smoothed over 15 frames, with
    stretches where the background dominates."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 1, (num_frames + 15, num_classes))
    cum = np.cumsum(noise, axis=0)
    # (T + 15, K) -> (T, K): moving sums over 15 frames, ~N(0, 15)
    logits = (cum[15:] - cum[:-15]) * 0.8
    logits[:, 0] += 4 * np.sin(np.arange(num_frames) / 12.)
    e = np.exp(logits - logits.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


@pytest.mark.parametrize('rule', [
    dict(method='activity'),
    dict(method='activity', smooth=15, threshold=0.5),
    dict(method='class_runs'),
    dict(method='class_runs', threshold=0.3, smooth=6),
    dict(method='label_runs'),
    dict(method='label_runs', smooth=15),
])
@pytest.mark.parametrize('seed', [0, 1])
def test_online_segments_equal_the_offline_rules(rule, seed):
    scores = score_track(400, 6, seed)
    rng = np.random.default_rng(seed)
    online = OnlineSegments(6, **rule)
    found, t = [], 0
    while t < len(scores):  # rows arrive a few at a time
        step = int(rng.integers(1, 8))
        found += online.push(scores[t:t + step], t + step - 1)
        t += step
    found += online.flush(len(scores) - 1)
    offline = OnlineSegments.offline(scores, **rule)
    assert len(offline) > 2
    same_segments(found, offline)


def test_segments_close_the_rule_delay_after_their_end():
    scores = score_track(300, 5, 2)
    for rule, delay in ((dict(method='activity'),
                         10), (dict(method='class_runs'), 1),
                        (dict(method='label_runs', smooth=7), 3)):
        online = OnlineSegments(5, **rule)
        assert online.delay == delay
        closed = []
        for t, row in enumerate(scores):
            closed += online.push(row[None], t)
        assert closed
        assert all(s.latency == delay for s in closed)
    with pytest.raises(ValueError, match='unknown segment rule'):
        OnlineSegments(5, 'nms')
    with pytest.raises(ValueError, match=r"takes \['smooth'\]"):
        OnlineSegments(5, 'label_runs', threshold=0.5)


def test_config_rules(dense):
    assert config_rule(dense.cfg) == dict(
        method='activity', smooth=20, threshold=0.4)
    cfg = copy.deepcopy(dense.cfg)
    cfg.test_evaluator = [dict(type='SegmentationMetric', smooth=15)]
    assert config_rule(cfg) == dict(method='label_runs', smooth=15)


# --------------------------------------------------------------- persons
@pytest.mark.parametrize('tracking', ['score', 'continuity'])
def test_online_tracker_links_people_as_track_people(tracking):
    """Frame by frame, the tracker fills the slots track_people fills for
    the whole video (which then orders them by mean score)."""
    rng = np.random.default_rng(5)
    frames = []
    for t in range(40):
        people = [(np.array([100., 300.]), 0.6), (np.array([700., 300.]), 0.9)]
        if 10 <= t < 30:  # a third, less confident person walks in
            people.append((np.array([400. + 5 * t, 500.]), 0.4))
        if t in (5, 6):  # the first one is missed
            people = people[1:]
        kp = np.stack([c + rng.normal(0, 20, (17, 2)) for c, _ in people])
        sc = np.stack([np.full(17, s) for _, s in people])
        order = rng.permutation(len(people))
        frames.append(
            (kp[order].astype(np.float32), sc[order].astype(np.float32)))
    expected_kp, expected_sc = track_people(frames, 2, tracking)
    tracker = PersonTracker(2, tracking)
    kp = np.zeros((2, 40, 17, 2), np.float32)
    sc = np.zeros((2, 40, 17), np.float32)
    for t, (fkp, fsc) in enumerate(frames):
        slots = tracker.assign(fkp, fsc)
        kept = slots >= 0
        kp[slots[kept], t], sc[slots[kept], t] = fkp[kept], fsc[kept]
    order = np.argsort(-sc.mean(axis=(1, 2)), kind='stable')
    np.testing.assert_array_equal(kp[order], expected_kp)
    np.testing.assert_array_equal(sc[order], expected_sc)
    assert tracker.dropped == 20  # the third person, 20 frames


# ------------------------------------------------------------ benchmark
@pytest.mark.parametrize('mode, hop', [('stitched', 1), ('trailing', 1),
                                       ('trailing', 4)])
def test_benchmark_latency_is_the_stream_delay(dense, mode, hop):
    """Measured on every possible action end: exactly the stream's bound
    for windows every frame and stitched windows, within it with a hop."""
    stream = StreamingDetector(dense, mode=mode, hop=hop, tracking=None)
    keypoint, score = synthetic_sequence(stream, 3 * CLIP, seed=0)
    assert keypoint.shape == (1, 3 * CLIP, 25, 3) and score is None
    result = benchmark_streaming(stream, keypoint, score, fps=25.)
    assert len(result.push_ms) == 3 * CLIP and result.ms_per_frame > 0
    assert result.latency_frames
    lat = np.asarray(result.latency_frames)
    if hop == 1:
        assert (lat == stream.latency).all()
    else:
        assert lat.max() == stream.latency and lat.min() == 10
    summary = result.summary()
    assert summary['frames_per_second'] == pytest.approx(
        1000 / summary['ms_per_frame'])
    assert summary['latency_ms_mean'] >= lat.mean() * 1000 / 25.
    assert 'frames/s' in result.format()


def test_benchmark_tool(tmp_path, capsys):
    import runpy
    out = tmp_path / 'bench.json'
    argv = [
        osp.join(REPO, 'tools/analysis_tools/benchmark.py'), 'stream', DENSE,
        '--frames', '120', '--out',
        str(out), '--cfg-options'
    ] + [f'{k}={v}' for k, v in TINY.items()]
    import sys
    old = sys.argv
    sys.argv = argv
    try:
        runpy.run_path(argv[0], run_name='__main__')
    finally:
        sys.argv = old
    printed = capsys.readouterr().out
    assert 'ms/frame' in printed and 'frames/s' in printed
    assert 'end-to-segment latency' in printed
    result = json.loads(out.read_text())
    assert result['frames'] == 120 and len(result['push_ms']) == 120
