"""Fixtures of the upper-body project's tests."""
import pickle

import pytest

from usdrl_mm.datasets.converters.select_joints import select_joints


@pytest.fixture(scope='session')
def upper_data(synthetic_data, tmp_path_factory):
    """``(NTU-25 data, path)``: the session's synthetic trimmed set (4
    classes, 48 xsub_train and 24 xsub_val samples) and its copy converted
    to 'ntu-upper-13', as ``tools/data/select_joints.py`` writes it."""
    with open(synthetic_data['trimmed'], 'rb') as f:
        source = pickle.load(f)
    path = tmp_path_factory.mktemp('upper13') / 'synthetic_upper13_3d.pkl'
    with open(path, 'wb') as f:
        pickle.dump(select_joints(source, to_layout='ntu-upper-13'), f)
    return source, str(path)
