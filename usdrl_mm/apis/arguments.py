"""Command-line argument types shared by the tools."""
import argparse
import os.path as osp
from typing import Tuple


def parse_encoder(text: str) -> Tuple[str, str]:
    """``NAME=CHECKPOINT`` -> ``(NAME, CHECKPOINT)``, an ``argparse``
    ``type`` for the ``--encoders`` of the tools that compare encoders
    (``eval_encoders.py``, ``tsne_features.py``).

    Raises:
        argparse.ArgumentTypeError: When the text is not ``NAME=CHECKPOINT``
            with both parts, or the checkpoint is not a file.
    """
    name, sep, ckpt = text.partition('=')
    if not sep or not name or not ckpt:
        raise argparse.ArgumentTypeError(
            f'expected NAME=CHECKPOINT, got {text!r}')
    if not osp.isfile(ckpt):
        raise argparse.ArgumentTypeError(f'checkpoint {ckpt} not found')
    return name, ckpt
