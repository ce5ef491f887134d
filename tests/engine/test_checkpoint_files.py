"""Which checkpoint --resume continues from after a crash."""
import os.path as osp

import torch

from usdrl_mm.engine import find_resumable_checkpoint, is_intact_checkpoint


def save(path, epoch: int) -> str:
    torch.save(dict(meta=dict(epoch=epoch), state_dict={}), str(path))
    return str(path)


def truncate(path: str) -> None:
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])


def test_intact_means_complete(tmp_path):
    good = save(tmp_path / 'epoch_1.pth', 1)
    assert is_intact_checkpoint(good)
    truncate(good)
    assert not is_intact_checkpoint(good)
    (tmp_path / 'empty.pth').write_bytes(b'')
    assert not is_intact_checkpoint(str(tmp_path / 'empty.pth'))
    assert not is_intact_checkpoint(str(tmp_path / 'missing.pth'))
    legacy = str(tmp_path / 'legacy.pth')
    torch.save({}, legacy, _use_new_zipfile_serialization=False)
    assert is_intact_checkpoint(legacy)


def test_last_checkpoint_wins_when_intact(tmp_path):
    save(tmp_path / 'epoch_1.pth', 1)
    two = save(tmp_path / 'epoch_2.pth', 2)
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_1.pth'))
    notes = []
    assert find_resumable_checkpoint(str(tmp_path), notes.append) == str(
        tmp_path / 'epoch_1.pth')
    assert not notes
    # a relative name is taken relative to the work directory
    (tmp_path / 'last_checkpoint').write_text('epoch_2.pth')
    assert find_resumable_checkpoint(str(tmp_path), notes.append) == two


def test_empty_dangling_or_truncated_pointer_falls_back(tmp_path):
    one = save(tmp_path / 'epoch_1.pth', 1)
    two = save(tmp_path / 'epoch_2.pth', 2)
    pointer = tmp_path / 'last_checkpoint'
    notes = []

    pointer.write_text('')
    assert find_resumable_checkpoint(str(tmp_path), notes.append) == two
    assert 'is empty' in notes[-1] and 'epoch_2.pth' in notes[-1]

    pointer.write_text(str(tmp_path / 'epoch_9.pth'))
    assert find_resumable_checkpoint(str(tmp_path), notes.append) == two
    assert 'epoch_9.pth, which is missing' in notes[-1]

    truncate(two)
    pointer.write_text(two)
    assert find_resumable_checkpoint(str(tmp_path), notes.append) == one
    assert f'skipping {two}: truncated' in notes[-2]
    assert 'which is truncated' in notes[-1]


def test_nothing_to_resume(tmp_path):
    notes = []
    assert find_resumable_checkpoint(str(tmp_path), notes.append) is None
    assert 'training from scratch' in notes[-1]
    truncate(save(tmp_path / 'iter_10.pth', 1))
    (tmp_path / 'last_checkpoint').write_text(osp.join(tmp_path, 'x.pth'))
    assert find_resumable_checkpoint(str(tmp_path), notes.append) is None
    assert 'no intact checkpoint' in notes[-1]
