"""usdrl_mm.benchmarks.speed.inputs: clips per sample and the dataloader
settings of the measurements."""
import pytest
from mmaction.registry import MODELS

from usdrl_mm.benchmarks.speed.inputs import (clips_per_sample, load_config,
                                              loader_config, loader_key,
                                              one_sample, random_batch)

TINY = 'configs/usdrl/mgfd_dste-tiny{}_1xb64-joint-24e_synthetic-' \
       'xsub-keypoint-3d.py'
STGCN = 'configs/baselines/stgcn_1xb16-joint-u64-10e_synthetic-xsub-' \
        'keypoint-3d.py'


@pytest.mark.parametrize('config, mode, clips', [
    (TINY.format(''), 'pretrain', 4),
    (TINY.format('-batchaug'), 'pretrain', 4),
    (STGCN, 'infer', 1),
])
def test_clips_per_sample(config, mode, clips, synthetic_data):
    cfg = load_config(config)
    key = loader_key(cfg, mode)
    cfg[key].dataset.ann_file = synthetic_data['trimmed']
    batch = random_batch(one_sample(cfg, key), 3)
    preprocessor = MODELS.build(cfg.model).data_preprocessor
    # four views of an MG-FD sample (drawn in the pipeline or on the
    # device), one clip of a recognizer's
    assert clips_per_sample(preprocessor, batch) == clips


def test_loader_config_sets_workers_and_persistence():
    cfg = load_config(
        TINY.format(''), {'train_dataloader.persistent_workers': True})
    assert loader_config(cfg, 'train_dataloader', 4,
                         0).persistent_workers is False
    two = loader_config(cfg, 'train_dataloader', 4, 2)
    assert two.num_workers == 2 and two.batch_size == 4 and two.drop_last
    assert cfg.train_dataloader.batch_size == 64  # a copy


def test_a_missing_data_file_asks_for_the_shape():
    cfg = load_config(
        TINY.format(''), {'train_dataloader.dataset.ann_file': 'no/such.pkl'})
    with pytest.raises(FileNotFoundError, match='input-shape'):
        one_sample(cfg, 'train_dataloader')
    sample = one_sample(cfg, 'train_dataloader', [4, 2, 64, 25, 3])
    assert tuple(sample['inputs'].shape) == (4, 2, 64, 25, 3)
