"""The data-only unpickler: what it loads, what it refuses, the opt-out."""
import collections
import pickle

import mmengine
import numpy as np
import pytest
import torch

from usdrl_mm.fileio import (UntrustedPickleError, load_npy, load_pickle,
                             loads_pickle)


class Payload:
    """Unpickling this runs code: it writes ``marker``."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return exec, (f"open({self.marker!r}, 'w').write('ran')", )


def annotation_file(keypoint) -> dict:
    return dict(
        split=dict(train=['a']),
        annotations=[
            dict(frame_dir='a', label=0, total_frames=4, keypoint=keypoint)
        ])


def data_like_an_annotation_file() -> dict:
    return dict(
        split=dict(xsub_train=['a', 'b']),
        annotations=[
            dict(
                frame_dir='a',
                label=np.int64(3),
                total_frames=4,
                img_shape=(1080, 1920),
                keypoint=np.arange(24, dtype=np.float16).reshape(1, 4, 2, 3),
                keypoint_score=np.ones((1, 4, 2), np.float32),
                names={'x', 'y'},
                frozen=frozenset([1]),
                order=collections.OrderedDict(a=1),
                counts=collections.defaultdict(list, a=[1]),
                raw=b'\x00\xff',
                score=np.float32(0.5),
                empty=np.zeros((0, 3)),
                fortran=np.asfortranarray(np.eye(3)),
            )
        ])


@pytest.mark.parametrize('protocol', range(pickle.HIGHEST_PROTOCOL + 1))
def test_plain_data_round_trips_in_every_protocol(protocol):
    data = data_like_an_annotation_file()
    loaded = loads_pickle(pickle.dumps(data, protocol=protocol))
    a, b = data['annotations'][0], loaded['annotations'][0]
    assert a.keys() == b.keys()
    for key in a:
        if isinstance(a[key], np.ndarray):
            assert b[key].dtype == a[key].dtype
            np.testing.assert_array_equal(b[key], a[key])
        else:
            assert b[key] == a[key] and type(b[key]) is type(a[key]), key
    assert loaded['split'] == data['split']


def test_files_written_by_mmengine_and_object_arrays(tmp_path):
    path = str(tmp_path / 'ann.pkl')
    mmengine.dump(data_like_an_annotation_file(), path)  # protocol 2
    assert load_pickle(path)['annotations'][0]['raw'] == b'\x00\xff'
    nested = np.empty(2, dtype=object)
    nested[:] = [dict(a=np.ones(2)), 'text']
    assert loads_pickle(pickle.dumps(nested))[1] == 'text'


@pytest.mark.parametrize('protocol', [0, 2, 4, 5])
def test_code_is_refused_and_never_runs(tmp_path, protocol):
    marker = tmp_path / 'ran'
    path = tmp_path / 'evil.pkl'
    path.write_bytes(
        pickle.dumps(annotation_file(Payload(str(marker))), protocol))
    with pytest.raises(UntrustedPickleError) as err:
        load_pickle(str(path))
    assert not marker.exists()
    message = str(err.value)
    assert str(path) in message and 'builtins.exec' in message
    assert '--trust-pickle' in message and 'docs/faq.md' in message
    assert isinstance(err.value, ValueError)  # reported like a bad file


@pytest.mark.parametrize('global_name', [
    b'os\nsystem', b'builtins\ngetattr', b'builtins\neval',
    b'subprocess\nPopen', b'numpy\nload', b'torch\nload',
    b'numpy.testing._private.utils\nrunstring'
])
def test_other_callables_are_refused(global_name):
    # protocol 0: GLOBAL 'module name', then an empty tuple and REDUCE
    data = b'c' + global_name + b'\n(tR.'
    with pytest.raises(UntrustedPickleError, match='refused to load'):
        loads_pickle(data)


def test_trust_loads_with_the_standard_unpickler(tmp_path):
    marker = tmp_path / 'ran'
    path = tmp_path / 'trusted.pkl'
    path.write_bytes(pickle.dumps(annotation_file(Payload(str(marker)))))
    load_pickle(str(path), trust=True)
    assert marker.read_text() == 'ran'


def test_tensors_only_when_allowed(tmp_path):
    dump = [dict(pred_score=torch.rand(5), gt_label=torch.tensor([2]))]
    path = str(tmp_path / 'dump.pkl')
    mmengine.dump(dump, path)
    with pytest.raises(UntrustedPickleError, match='_rebuild_tensor'):
        load_pickle(path)
    loaded = load_pickle(path, allow_tensors=True)
    assert torch.equal(loaded[0]['pred_score'], dump[0]['pred_score'])
    # a parameter carries a class to rebuild: refused even with tensors
    with pytest.raises(UntrustedPickleError):
        loads_pickle(
            pickle.dumps(torch.nn.Parameter(torch.ones(2))),
            allow_tensors=True)


def test_npy_object_arrays_go_through_the_restricted_unpickler(tmp_path):
    plain = tmp_path / 'plain.npy'
    np.save(plain, np.arange(6.).reshape(2, 3))
    np.testing.assert_array_equal(
        load_npy(str(plain)),
        np.arange(6.).reshape(2, 3))
    assert isinstance(load_npy(str(plain), mmap_mode='r'), np.memmap)

    data = tmp_path / 'dict.npy'
    np.save(data, np.array(dict(a=np.ones(3))), allow_pickle=True)
    assert load_npy(str(data)).item()['a'].shape == (3, )

    marker = tmp_path / 'ran'
    evil = tmp_path / 'evil.npy'
    np.save(evil, np.array([Payload(str(marker))], dtype=object))
    with pytest.raises(UntrustedPickleError, match='evil.npy'):
        load_npy(str(evil))
    assert not marker.exists()
    load_npy(str(evil), trust=True)
    assert marker.exists()
