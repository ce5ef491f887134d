import pickle

import numpy as np

from usdrl_mm.datasets import GalleryQueryDataset


def write(tmp_path):
    annos = [
        dict(
            frame_dir=f's{i}',
            label=i % 2,
            total_frames=8,
            keypoint=np.zeros((1, 8, 25, 3), np.float32)) for i in range(5)
    ]
    path = tmp_path / 'a.pkl'
    with open(path, 'wb') as f:
        pickle.dump(
            dict(
                annotations=annos,
                split=dict(train=['s0', 's1', 's2'], val=['s3', 's4'])), f)
    return str(path)


def test_roles_follow_the_part(tmp_path):
    path = write(tmp_path)
    pipeline = [dict(type='FormatGCNInput'), dict(type='PackActionInputs')]
    part = dict(type='CheckedPoseDataset', ann_file=path, pipeline=pipeline)
    ds = GalleryQueryDataset(
        gallery=dict(part, split='train'), query=dict(part, split='val'))
    roles = [ds[i]['data_samples'].metainfo['knn_role'] for i in range(5)]
    assert roles == ['gallery'] * 3 + ['query'] * 2
