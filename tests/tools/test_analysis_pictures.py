"""Pictures from runs and checkpoints: TensorBoard logging from a config,
training curves, t-SNE maps and skeleton animations, on a one-epoch tiny
pretraining."""
import glob
import json
import os.path as osp
import pickle
import sys

import cv2
import numpy as np
import pytest
from mmengine.runner import save_checkpoint
from PIL import Image

from tools.analysis_tools import plot_training_curves, tsne_features
from usdrl_mm.apis import inference_recognizer, init_model
from usdrl_mm.visualization.curves import read_scalars
from usdrl_mm.visualization.tsne import separation_scores

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TENSORBOARD = osp.join(
    REPO, 'configs/usdrl/'
    'mgfd_dste-tiny-tensorboard_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py')
LINEAR = osp.join(
    REPO, 'configs/usdrl/benchmarks/'
    'dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py')
ENCODER = ['model.backbone.hidden_dim=16', 'model.backbone.num_layers=1']
RECOGNIZER = ENCODER + [
    'model.cls_head.in_channels=32', 'model.cls_head.num_classes=4'
]


def as_dict(options) -> dict:
    """``key=value`` strings -> ``cfg_options`` (ints only here)."""
    return {k: int(v) for k, v in (o.split('=') for o in options)}


def json_line(out: str) -> dict:
    return json.loads(
        [line for line in out.splitlines() if line.startswith('{')][-1])


def random_checkpoint(config: str, options, path: str, **extra) -> str:
    """A freshly initialised model saved as a checkpoint, in-process."""
    model = init_model(config, cfg_options={**as_dict(options), **extra})
    save_checkpoint(dict(state_dict=model.state_dict()), path)
    return path


@pytest.fixture(scope='module')
def trained(synthetic_data, tmp_path_factory, run_tool):
    """One epoch of tiny pretraining with the TensorBoard config."""
    work = str(tmp_path_factory.mktemp('tb_pretrain'))
    run_tool([
        'tools/train.py', TENSORBOARD, '--work-dir', work, '--cfg-options',
        *ENCODER, 'model.projector.in_channels=16',
        'train_dataloader.batch_size=16', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        f'train_dataloader.dataset.ann_file={synthetic_data["trimmed"]}',
        'train_cfg.max_epochs=1', 'default_hooks.logger.interval=1'
    ])
    return work


@pytest.fixture(scope='module')
def annotations(synthetic_data) -> dict:
    with open(synthetic_data['trimmed'], 'rb') as f:
        return pickle.load(f)


def test_tensorboard_backend_from_config(trained):
    from tensorboard.backend.event_processing.event_accumulator import \
        EventAccumulator
    events = glob.glob(osp.join(trained, '*', 'vis_data', 'events.out.*'))
    assert len(events) == 1 and osp.getsize(events[0]) > 0
    logged = read_scalars(trained)['train']  # LocalVisBackend still writes
    assert len(logged) == 3  # 48 training samples in batches of 16
    board = EventAccumulator(events[0])
    board.Reload()
    assert {'loss', 'loss_sim', 'lr'} <= set(board.Tags()['scalars'])
    points = board.Scalars('loss')
    assert [p.step for p in points] == [r['step'] for r in logged]
    np.testing.assert_allclose([p.value for p in points],
                               [r['loss'] for r in logged],
                               rtol=1e-5)


def test_summarize_pretraining_reads_the_shared_curves(trained, run_tool):
    out = run_tool(['tools/analysis_tools/summarize_pretraining.py', trained])
    mean = np.mean([r['loss'] for r in read_scalars(trained)['train']])
    row = next(line.split() for line in out.splitlines()
               if line.startswith('loss '))
    assert float(row[1]) == pytest.approx(mean, abs=1e-4)
    assert '(epochs 1, 1)' in out and 'sim_t' in out
    with Image.open(osp.join(trained, 'loss_curves.png')) as image:
        assert image.format == 'PNG'
        assert image.size == (1600, 320)  # the four loss terms in a row


def test_training_curves_overlay_runs(trained, tmp_path, capsys):
    scalars = glob.glob(osp.join(trained, '*', 'vis_data', 'scalars.json'))
    out = str(tmp_path / 'curves.png')
    plot_training_curves.main([
        trained, f'again={scalars[0]}', '--keys', 'loss', 'lr', 'sim_t', '--x',
        'step', '--out', out
    ])
    assert 'for 2 run(s)' in capsys.readouterr().out
    with Image.open(out) as image:
        assert image.format == 'PNG' and image.size == (1200, 320)
    # defaults: every loss term, against epochs
    default = str(tmp_path / 'default.png')
    plot_training_curves.main([trained, '--out', default])
    assert 'loss, loss_sim, loss_vac, loss_xcorr' in capsys.readouterr().out


def test_training_curves_reject_unknown_keys(trained, tmp_path):
    with pytest.raises(SystemExit) as err:
        plot_training_curves.main([
            trained, '--keys', 'loss', 'acc/top1', '--out',
            str(tmp_path / 'x.png')
        ])
    message = str(err.value)
    assert "'acc/top1' not logged" in message
    assert 'loss_sim' in message  # the keys that exist
    assert not (tmp_path / 'x.png').exists()


def test_tsne_of_two_encoders(trained, synthetic_data, annotations, run_tool,
                              tmp_path):
    random_init = random_checkpoint(TENSORBOARD, ENCODER,
                                    str(tmp_path / 'random.pth'),
                                    **{'model.projector.in_channels': 16})
    png = str(tmp_path / 'maps' / 'tsne.png')
    out = run_tool([
        'tools/analysis_tools/tsne_features.py', LINEAR, '--encoders',
        f'pretrained={osp.join(trained, "epoch_1.pth")}',
        f'random-init={random_init}', '--ann-file', synthetic_data['trimmed'],
        '--split', 'xsub_val', '--max-samples', '20', '--perplexity', '5',
        '--label-map', synthetic_data['label_map'], '--out', png,
        '--cfg-options', *RECOGNIZER
    ])
    summary = json_line(out)
    assert summary['num_samples'] == 20
    with np.load(str(tmp_path / 'maps' / 'tsne.npz')) as npz:
        assert list(npz['encoders']) == ['pretrained', 'random-init']
        assert npz['embeddings'].shape == (2, 20, 2)
        assert npz['labels'].shape == (20, )
        assert set(npz['frame_dirs']) <= set(annotations['split']['xsub_val'])
        # the printed scores are those of the saved maps
        for name, points in zip(npz['encoders'], npz['embeddings']):
            expected = separation_scores(points, npz['labels'])
            assert summary['scores'][name]['knn_acc'] == pytest.approx(
                expected['knn_acc'])
            assert summary['scores'][name]['silhouette'] == pytest.approx(
                expected['silhouette'])
        assert not np.allclose(npz['embeddings'][0], npz['embeddings'][1])
    with Image.open(png) as image:
        assert image.format == 'PNG'
        assert image.size[0] > 1.5 * image.size[1]  # two panels side by side


def test_tsne_refuses_a_checkpoint_that_misses_the_encoder(
        synthetic_data, tmp_path):
    wider = random_checkpoint(
        LINEAR, RECOGNIZER, str(tmp_path / 'wide.pth'), **{
            'model.backbone.hidden_dim': 32,
            'model.cls_head.in_channels': 64
        })
    with pytest.raises(SystemExit, match='does not fill the config'):
        tsne_features.main([
            LINEAR, '--encoders', f'wide={wider}', '--ann-file',
            synthetic_data['trimmed'], '--out',
            str(tmp_path / 't.png'), '--cfg-options', *RECOGNIZER
        ])


def test_tsne_without_sklearn_says_how_to_install(monkeypatch, tmp_path):
    ckpt = tmp_path / 'any.pth'
    ckpt.write_bytes(b'')
    monkeypatch.setitem(sys.modules, 'sklearn', None)
    with pytest.raises(SystemExit, match='pip install scikit-learn'):
        tsne_features.main([LINEAR, '--encoders', f'a={ckpt}'])


def test_animation_with_prediction(synthetic_data, annotations, run_tool,
                                   tmp_path):
    ckpt = random_checkpoint(LINEAR, RECOGNIZER, str(tmp_path / 'rec.pth'),
                             **{'model.backbone.init_cfg': None})
    gif = str(tmp_path / 'sample.gif')
    out = run_tool([
        'tools/analysis_tools/animate_skeleton.py', synthetic_data['trimmed'],
        '--index', '2', '--config', LINEAR, '--checkpoint', ckpt,
        '--label-map', synthetic_data['label_map'], '--fps', '10', '--size',
        '200', '--view', 'oblique', '--out', gif, '--cfg-options', *RECOGNIZER
    ])
    summary = json_line(out)
    anno = annotations['annotations'][2]
    num_frames = anno['keypoint'].shape[1]
    assert summary['frames'] == num_frames
    with Image.open(gif) as image:
        assert image.format == 'GIF' and image.n_frames == num_frames
        assert image.size == (200, 200)
    # the title shows what the recognizer says about this sample
    model = init_model(LINEAR, ckpt, cfg_options=as_dict(RECOGNIZER))
    expected = inference_recognizer(
        model,
        dict(keypoint=anno['keypoint']),
        label_map=synthetic_data['label_map'])
    assert summary['prediction']['label'] == expected['label']
    assert summary['prediction']['score'] == pytest.approx(
        expected['score'], abs=1e-5)
    assert summary['prediction']['label_name'] == expected['label_name']


def test_animation_of_an_array_as_mp4(annotations, run_tool, tmp_path):
    keypoint = annotations['annotations'][0]['keypoint'][:, :30]
    npy = str(tmp_path / 'clip.npy')
    np.save(npy, keypoint)
    mp4 = str(tmp_path / 'clip.mp4')
    summary = json_line(
        run_tool([
            'tools/analysis_tools/animate_skeleton.py', npy, '--size', '160',
            '--out', mp4
        ]))
    assert summary['frames'] == 30 and summary['prediction'] is None
    video = cv2.VideoCapture(mp4)
    try:
        assert video.get(cv2.CAP_PROP_FRAME_COUNT) == 30
        frames = []
        ok, frame = video.read()
        while ok:
            frames.append(frame)
            ok, frame = video.read()
    finally:
        video.release()
    assert len(frames) == 30 and frames[0].shape == (160, 160, 3)
    body = [f[40:].astype(int) for f in frames]  # below the title
    assert np.abs(body[-1] - body[0]).mean() > 0.5  # the skeleton moves
