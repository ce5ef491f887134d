"""usdrl_mm.apis.label_map: the one reader of label-map files (inference,
the demo, t-SNE and the skeleton animation use it)."""
import pytest

from usdrl_mm.apis import check_label_map, read_label_map


def test_names_in_label_order_without_blank_lines(tmp_path):
    path = tmp_path / 'labels.txt'
    path.write_text(
        'drink water\n\n  eat meal \n\nbrush teeth\n', encoding='utf-8')
    assert read_label_map(
        str(path)) == ['drink water', 'eat meal', 'brush teeth']


def test_utf8_names(tmp_path):
    path = tmp_path / 'labels.txt'
    path.write_text('trinken\nsich verbeugen\nwinken ✋\n', encoding='utf-8')
    assert read_label_map(str(path))[2] == 'winken ✋'


def test_the_class_count_is_checked(tmp_path):
    path = tmp_path / 'labels.txt'
    path.write_text('a\nb\nc\n')
    assert read_label_map(str(path), num_classes=3) == ['a', 'b', 'c']
    with pytest.raises(ValueError) as err:
        read_label_map(str(path), num_classes=4)
    message = str(err.value)
    assert str(path) in message
    assert '3 names for 4 classes' in message
    assert 'one name per line' in message


def test_the_message_says_what_the_classes_are(tmp_path):
    path = tmp_path / 'labels.txt'
    path.write_text('a\nb\n')
    with pytest.raises(
            ValueError,
            match='2 names for 5 action classes '
            r'\(background excluded\)'):
        read_label_map(str(path), 5, 'action classes (background excluded)')


def test_a_missing_file_is_named(tmp_path):
    missing = tmp_path / 'nowhere.txt'
    with pytest.raises(FileNotFoundError, match=f'label map {missing} not'):
        read_label_map(str(missing))
    with pytest.raises(FileNotFoundError):
        read_label_map(str(tmp_path))  # a folder is not a label map


def test_check_label_map():
    check_label_map(['a', 'b'], 2, 'labels.txt')
    with pytest.raises(ValueError, match='labels.txt has 2 names for 1 '):
        check_label_map(['a', 'b'], 1, 'labels.txt')
