"""Label maps: text files with one class name per line, in label order.

``label_map_synthetic.txt`` of ``tools/data/generate_synthetic.py`` is one;
MMAction2's ``tools/data/*/label_map.txt`` files have the same form.
"""
import os.path as osp
from typing import List, Optional, Sequence


def check_label_map(names: Sequence[str],
                    num_classes: int,
                    path: str,
                    what: str = 'classes') -> None:
    """Refuse a label map that does not name every class exactly once.

    Args:
        names (sequence[str]): The names read from ``path``.
        num_classes (int): Classes the names must cover.
        path (str): The label map, named in the message.
        what (str): What the classes are, for the message (e.g. ``'action
            classes (background excluded)'``).

    Raises:
        ValueError: When ``len(names) != num_classes``.
    """
    if len(names) != num_classes:
        raise ValueError(f'label map {path} has {len(names)} names for '
                         f'{num_classes} {what}: give one name per line, '
                         'in label order')


def read_label_map(path: str,
                   num_classes: Optional[int] = None,
                   what: str = 'classes') -> List[str]:
    """Class names of a label map, blank lines skipped and whitespace
    stripped.

    Args:
        path (str): The text file (UTF-8).
        num_classes (int, optional): Check that it names this many classes
            (see :func:`check_label_map`).
        what (str): What the classes are, for the error message.

    Returns:
        list[str]: The name of class ``i`` at index ``i``.

    Raises:
        FileNotFoundError: When ``path`` is not a file.
        ValueError: When ``num_classes`` is given and does not match.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'label map {path} not found')
    with open(path, encoding='utf-8') as f:
        names = [line.strip() for line in f if line.strip()]
    if num_classes is not None:
        check_label_map(names, num_classes, path, what)
    return names
