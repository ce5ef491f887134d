"""Point a loaded config at another annotation file, split and label space.

The benchmark configs of ``configs/usdrl`` name one data file and the
cross-subject split. Rather than a copy of every config per protocol, the
real-data benchmark (``tools/analysis_tools/run_real_benchmarks.sh``)
loads each config once and retargets it: every dataset dict, however deeply
nested (``RepeatDataset.dataset``, ``GalleryQueryDataset.gallery`` /
``.query``), gets the new ``ann_file``, its ``split`` mapped (``xsub_train``
-> ``xview_train``, ``xsub_val`` -> ``xview_val``) and, for semi-supervised
configs, the label subset drawn from the new split.
"""
from typing import Any, Dict, List, Mapping, Optional

#: heads whose outputs include a background class (``num_classes + 1``)
BACKGROUND_HEADS = ('DenseFrameHead', )


def protocol_splits(target: str, source: str = 'xsub') -> Dict[str, str]:
    """``{'xsub_train': 'xview_train', 'xsub_val': 'xview_val'}`` for
    ``target='xview'``; the identity for ``target == source``."""
    return {
        f'{source}_{part}': f'{target}_{part}'
        for part in ('train', 'val')
    }


def _is_dict(node: Any) -> bool:
    return hasattr(node, 'keys') and hasattr(node, '__getitem__')


def retarget_config(cfg: Any,
                    ann_file: str,
                    splits: Mapping[str, str],
                    subset_file: Optional[str] = None,
                    num_classes: Optional[int] = None) -> List[str]:
    """Retarget ``cfg`` (an mmengine ``Config`` or a dict) in place.

    - every ``ann_file`` (dataset dicts and the top-level variable) becomes
      ``ann_file``;
    - every ``split`` of a dataset dict is mapped by ``splits``; a split
      that is neither a key nor a value of ``splits`` is an error (it would
      silently stay on the old protocol);
    - every non-empty ``subset_file`` becomes ``subset_file``, which is then
      required (a label subset belongs to one split of one file); giving
      one to a config without a subset is an error too;
    - with ``num_classes``, every ``num_classes`` entry (datasets, heads,
      evaluators, the top-level variable) becomes ``num_classes``, and
      ``num_classes + 1`` in the heads of :data:`BACKGROUND_HEADS`.

    Returns:
        list[str]: One ``'path: old -> new'`` line per changed value.
    """
    changes: List[str] = []
    subsets: List[str] = []

    def set_value(node: Any, key: str, value: Any, path: str) -> None:
        if node[key] != value:
            changes.append(f'{path}.{key}: {node[key]!r} -> {value!r}'
                           if path else f'{key}: {node[key]!r} -> '
                           f'{value!r}')
            node[key] = value

    def walk(node: Any, path: str) -> None:
        if isinstance(node, (list, tuple)):
            for i, item in enumerate(node):
                walk(item, f'{path}.{i}')
            return
        if not _is_dict(node):
            return
        keys = list(node.keys())
        if 'ann_file' in keys:
            set_value(node, 'ann_file', ann_file, path)
            split = node.get('split') if 'split' in keys else None
            if split is not None:
                if split in splits:
                    set_value(node, 'split', splits[split], path)
                elif split not in splits.values():
                    raise ValueError(
                        f'{path}.split is {split!r}, which the split map '
                        f'{dict(splits)} does not cover; map it or fix the '
                        'config')
            if 'subset_file' in keys and node['subset_file']:
                if subset_file is None:
                    raise ValueError(
                        f'{path}.subset_file names a label subset of the '
                        f'old split ({node["subset_file"]}); give the '
                        'subset of the new split (subset_file=...)')
                subsets.append(path)
                set_value(node, 'subset_file', subset_file, path)
        if num_classes is not None and 'num_classes' in keys:
            extra = int(node.get('type') in BACKGROUND_HEADS)
            set_value(node, 'num_classes', num_classes + extra, path)
        for key in keys:
            walk(node[key], f'{path}.{key}' if path else key)

    walk(cfg, '')
    if subset_file is not None and not subsets:
        raise ValueError(f'subset_file {subset_file} given, but no dataset '
                         'of the config reads a label subset')
    return changes
