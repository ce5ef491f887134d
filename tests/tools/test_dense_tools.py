"""Detection / segmentation and early prediction through the tools."""
import glob
import os.path as osp
import re

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DENSE = osp.join(
    REPO, 'configs/usdrl/dense/'
    'dste-tiny-detection-linear_1xb64-joint-15e_synthetic-xsub-keypoint-3d.py')
EARLY = osp.join(
    REPO, 'configs/usdrl/benchmarks/'
    'dste-tiny-early-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py')


def test_detection_and_segmentation_train_and_test(synthetic_data, run_tool,
                                                   loader_options, tmp_path):
    ann = synthetic_data['untrimmed']

    def loaders(ann, classes, keys=('train', 'val', 'test')):
        return loader_options(ann, classes, keys, batch_size=16)

    common = [
        'model.backbone.hidden_dim=16', 'model.cls_head.in_channels=32',
        'model.cls_head.num_classes=5', 'model.backbone.init_cfg=None',
        'val_evaluator.0.num_classes=4', 'test_evaluator.0.num_classes=4'
    ]
    work = str(tmp_path / 'dense')
    out = run_tool([
        'tools/train.py', DENSE, '--work-dir', work, '--cfg-options', *common,
        'train_cfg.max_epochs=1', 'train_cfg.val_begin=1',
        'train_cfg.val_interval=1', *loaders(ann, 4)
    ])
    assert re.search(r'detection/mAP_a@0.5: [0-9.]+', out)
    assert re.search(r'segmentation/edit: [0-9.]+', out)
    timelines = str(tmp_path / 'timelines')
    out = run_tool([
        'tools/test.py', DENSE,
        osp.join(work, 'epoch_1.pth'), '--work-dir',
        str(tmp_path / 'test'), '--cfg-options', *common,
        f'test_evaluator.0.plot_dir={timelines}', *loaders(ann, 4, ('test', ))
    ])
    values = dict(re.findall(r'(detection/mAP_[av]@[0-9.]+): ([0-9.]+)', out))
    assert len(values) == 4 and all(0 <= float(v) <= 1
                                    for v in values.values())
    assert glob.glob(osp.join(timelines, 'timeline_*.png'))


def test_early_prediction_curve(synthetic_data, run_tool, loader_options,
                                tmp_path):
    ann = synthetic_data['trimmed']

    def loaders(ann, classes):
        return loader_options(ann, classes, batch_size=16)

    opts = [
        'model.backbone.hidden_dim=16', 'model.cls_head.in_channels=32',
        'model.cls_head.num_classes=4', *loaders(ann, 4)
    ]
    work = str(tmp_path / 'early')
    run_tool([
        'tools/train.py', EARLY, '--work-dir', work, '--cfg-options',
        'model.backbone.init_cfg=None', 'train_cfg.max_epochs=1',
        'train_cfg.val_begin=1', 'train_cfg.val_interval=1', *opts
    ])
    curve = str(tmp_path / 'curve')
    out = run_tool([
        'tools/analysis_tools/early_prediction.py', EARLY,
        osp.join(work, 'epoch_1.pth'), '--ratios', '0.2', '1.0', '--out-dir',
        curve, '--cfg-options', *opts
    ])
    assert '| 20 % |' in out and '| 100 % |' in out
    for name in ('early_prediction.md', 'early_prediction.csv',
                 'early_prediction.png'):
        assert osp.getsize(osp.join(curve, name)) > 0
