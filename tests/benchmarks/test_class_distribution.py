import pytest

from usdrl_mm.benchmarks import (class_counts, count_pku_files,
                                 distribution_markdown, protocol_summary)


def clips(labels_by_split):
    """Trimmed annotations: one clip per label, named by split and index."""
    annotations, split = [], {}
    for name, labels in labels_by_split.items():
        split[name] = []
        for i, label in enumerate(labels):
            frame_dir = f'{name}_{i}'
            annotations.append(dict(frame_dir=frame_dir, label=label))
            split[name].append(frame_dir)
    return dict(split=split, annotations=annotations)


def test_counts_and_summary_name_test_classes_without_training():
    data = clips(dict(xsub_train=[0, 0, 0, 2], xsub_val=[0, 1, 2, 2, 3]))
    counts = class_counts(data, 5)
    assert counts == dict(xsub_train=[3, 0, 1, 0, 0], xsub_val=[1, 1, 2, 1, 0])
    summary = protocol_summary(counts, 'xsub')
    assert summary == dict(
        train_clips=4,
        test_clips=5,
        train_classes=2,
        test_classes=4,
        fewest_train_clips=1,
        most_train_clips=3,
        test_classes_without_training=[1, 3])


def test_counts_check_splits_and_labels():
    data = clips(dict(xsub_train=[0, 7]))
    with pytest.raises(ValueError, match='no split'):
        class_counts(data, 8, ['xview_train'])
    with pytest.raises(ValueError, match=r'label 7 outside \[0, 5\)'):
        class_counts(data, 5)


def test_pku_files_found(tmp_path):
    (tmp_path / 'PKU_Skeleton_Renew').mkdir()
    (tmp_path / 'Train_Label_PKU_final').mkdir()
    for name in ('0002-L', '0002-M'):
        (tmp_path / 'PKU_Skeleton_Renew' / f'{name}.txt').write_text('')
    for name in ('0002-L', '0002-M', '0002-R', '0003-L'):
        (tmp_path / 'Train_Label_PKU_final' / f'{name}.txt').write_text('')
    assert count_pku_files(str(tmp_path)) == dict(
        skeleton_files=2,
        label_files=4,
        videos=2,
        labels_without_skeleton=2,
        skeletons_without_labels=0)
    with pytest.raises(FileNotFoundError, match='PKU_Skeleton_Renew'):
        count_pku_files(str(tmp_path / 'missing'))


def test_markdown_lists_present_classes_only():
    counts = dict(xsub_train=[3, 0, 1, 0], xsub_val=[1, 1, 2, 0])
    text = distribution_markdown(
        dict(
            num_classes=4,
            class_counts=counts,
            protocols=dict(xsub=protocol_summary(counts, 'xsub')),
            files=dict(
                skeleton_files=2,
                label_files=4,
                videos=2,
                labels_without_skeleton=2),
            label_note='class c is c + 1 in the files'))
    assert '2 skeleton files found for 4 label files' in text
    assert '1 test classes have no training clip (1)' in text
    assert 'class c is c + 1 in the files' in text
    assert '| class | xsub_train | xsub_val |' in text
    assert '| 0 | 3 | 1 |' in text and '| 1 | 0 | 1 |' in text
    assert '| 2 | 1 | 2 |' in text
    rows = [line for line in text.splitlines() if line.startswith('| ')]
    # classes 1 and 3: none of 3 (no clip anywhere)
    assert [r.split(' | ')[0]
            for r in rows] == ['| class', '| 0', '| 1', '| 2']
