"""Finding a checkpoint to resume from in a work directory.

mmengine's auto-resume reads ``last_checkpoint`` and trusts it. After a
crash that file can be empty, or name a checkpoint that was never finished
or was deleted; :func:`find_resumable_checkpoint` then falls back to the
newest intact ``epoch_N.pth`` / ``iter_N.pth`` and says so.
"""
import os
import os.path as osp
import re
import zipfile
from typing import Callable, List, Optional, Tuple

CHECKPOINT_NAME = re.compile(r'^(epoch|iter)_(\d+)\.pth$')


def is_intact_checkpoint(path: str) -> bool:
    """Whether ``path`` is a complete ``torch.save`` file.

    ``torch.save`` writes a zip archive whose central directory comes last,
    so a file cut short by a crash fails to open as a zip; opening reads
    only the directory, not the weights. Files in torch's legacy
    (non-zip) format are taken as intact when they are not empty.
    """
    if not osp.isfile(path) or osp.getsize(path) == 0:
        return False
    if not zipfile.is_zipfile(path):
        with open(path, 'rb') as f:  # legacy format starts with a pickle
            return f.read(1) == b'\x80'
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.endswith('data.pkl') for n in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def list_checkpoints(work_dir: str) -> List[Tuple[int, str]]:
    """``(step, path)`` of the periodic checkpoints, newest first."""
    if not osp.isdir(work_dir):
        return []
    found = []
    for name in os.listdir(work_dir):
        match = CHECKPOINT_NAME.match(name)
        if match:
            found.append((int(match.group(2)), osp.join(work_dir, name)))
    return sorted(found, reverse=True)


def find_resumable_checkpoint(work_dir: str,
                              log: Callable[[str],
                                            None] = print) -> Optional[str]:
    """The checkpoint ``--resume`` should continue from, or None.

    ``last_checkpoint`` wins when it names an intact file. Otherwise (the
    file is missing, empty, or names a missing or truncated checkpoint) the
    newest intact periodic checkpoint of ``work_dir`` is returned, and
    ``log`` is told why.
    """
    pointer = osp.join(work_dir, 'last_checkpoint')
    named = ''
    if osp.isfile(pointer):
        with open(pointer) as f:
            named = f.read().strip()
        if named and not osp.isabs(named) and not osp.exists(named):
            named = osp.join(work_dir, named)
        if named and is_intact_checkpoint(named):
            return named
    if named:
        problem = (f'{pointer} names {named}, which is ' +
                   ('truncated' if osp.exists(named) else 'missing'))
    elif osp.isfile(pointer):
        problem = f'{pointer} is empty'
    else:
        problem = f'{work_dir} has no last_checkpoint'
    for _, path in list_checkpoints(work_dir):
        if is_intact_checkpoint(path):
            log(f'resume: {problem}; resuming from the newest intact '
                f'checkpoint {path}')
            return path
        log(f'resume: skipping {path}: truncated')
    log(f'resume: {problem}, and no intact checkpoint is in {work_dir}; '
        'training from scratch')
    return None
