"""Write the model index that ``mim search usdrl_mm`` reads.

    python tools/misc/update_model_index.py [--check]

Regenerates ``model-index.yml`` and ``configs/*/metafile.yml`` from the
config files (metadata from their names, see
``usdrl_mm.utils.model_index``), keeping the hand-written ``Results``.
``--check`` writes nothing and exits 1 when a file would change (a config
was added, renamed or removed without updating the index).
"""
import argparse
import os.path as osp
import sys

from usdrl_mm.utils.model_index import dump_yaml, model_index


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--check',
        action='store_true',
        help='exit 1 when a file is out of date; write nothing')
    parser.add_argument(
        '--root',
        default=osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))),
        help='repository root (default: this checkout)')
    args = parser.parse_args()
    stale = []
    for path, content in model_index(args.root).items():
        text = dump_yaml(content)
        full = osp.join(args.root, path)
        old = open(full, encoding='utf-8').read() if osp.exists(full) else ''
        if old == text:
            continue
        stale.append(path)
        if not args.check:
            with open(full, 'w', encoding='utf-8') as f:
                f.write(text)
    verb = 'out of date' if args.check else 'written'
    for path in stale:
        print(f'{verb}: {path}')
    if args.check and stale:
        print(
            'run `python tools/misc/update_model_index.py` and commit the '
            'files',
            file=sys.stderr)
        return 1
    if not stale:
        print('model index up to date')
    return 0


if __name__ == '__main__':
    sys.exit(main())
