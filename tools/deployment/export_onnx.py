"""Export a usdrl_mm model to ONNX and check it against PyTorch.

    python tools/deployment/export_onnx.py CONFIG [CHECKPOINT] \
        --out model.onnx [--part encoder|recognizer] \
        [--input-shape N M T V C] [--opset 17] [--dynamic-batch] [--verify] \
        [--exporter torchscript|dynamo] [--device cpu] [--cfg-options k=v]

Parts (``--part``; default ``recognizer`` when the model's ``cls_head``
gives clip class scores, else ``encoder``):

- ``encoder``: ``joints (N, M, T, V, C) -> features (N, 2D)``, the
  backbone (DSTE / STTR) and the pooling neck: the features of
  ``usdrl_mm.apis.extract_features`` for one clip per sample.
- ``recognizer``: ``joints (N, M, T, V, C) -> scores (N, num_classes)``,
  the test path's clip scores (softmax probabilities for
  ``average_clips='prob'``). ``--input-shape N K M T V C`` exports K clips
  per sample, averaged as in testing.

Input: the graph takes **raw joints** as the test pipeline leaves them
(normalised, resized to ``clip_len``, persons padded), float32, and derives
the config's modality (bone, motion or a J+M+B list) inside the graph as
``SkeletonDataPreprocessor`` does, so C is the joint channels (3 for a J+M+B
model with ``in_channels=9``). The default shape is
``(1, num_persons, clip_len, num_joints, C)`` of the config's backbone.

Prints one JSON line: ``out, part, exporter, opset, input_name, input``
(the input in words: raw joints and the modality the graph derives),
``input_shape, output_name, output_shape, modality, dynamic_batch`` and, with
``--verify``, ``max_abs_diff, verified_batch_sizes, rtol, atol, passed``
(ONNX Runtime against PyTorch on random joints, also at another batch size
with ``--dynamic-batch``). Exits non-zero when verification fails. Needs
``pip install onnx onnxruntime`` (requirements/optional.txt).
"""
import argparse
import json
import os.path as osp
from typing import Dict, List, Optional

import usdrl_mm  # noqa: F401  registries
from usdrl_mm.apis import export
from usdrl_mm.apis.arguments import add_cfg_options_argument
from usdrl_mm.apis.inference import init_model


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='model config file')
    parser.add_argument(
        'checkpoint',
        nargs='?',
        help='checkpoint to load; without one the model keeps its '
        'initialisation (a Pretrained backbone init_cfg still loads)')
    parser.add_argument('--out', required=True, help='the .onnx file')
    parser.add_argument(
        '--part',
        choices=export.PARTS,
        help='what to export; default: recognizer for a model with a clip '
        'classifier, else encoder')
    parser.add_argument(
        '--input-shape',
        nargs='+',
        type=int,
        metavar='DIM',
        help='joints N M T V C (a recognizer also takes N K M T V C); '
        'default: batch 1 and the backbone geometry')
    parser.add_argument('--opset', type=int, default=17)
    parser.add_argument(
        '--dynamic-batch',
        action='store_true',
        help='make the batch axis dynamic')
    parser.add_argument(
        '--verify',
        action='store_true',
        help='compare ONNX Runtime with PyTorch on random joints')
    parser.add_argument(
        '--exporter',
        choices=export.EXPORTERS,
        default='torchscript',
        help='torch.onnx exporter (see usdrl_mm.apis.export.export_onnx)')
    parser.add_argument('--rtol', type=float, default=1e-4)
    parser.add_argument('--atol', type=float, default=1e-5)
    parser.add_argument('--device', default='cpu')
    add_cfg_options_argument(parser)
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> Dict:
    args = parse_args(argv)
    try:  # fail before building anything when a package is missing
        export.require(
            'onnx', *(('onnxruntime', ) if args.verify else ()),
            *(('onnxscript', ) if args.exporter == 'dynamo' else ()))
    except ImportError as e:
        raise SystemExit(str(e))
    if args.checkpoint and not osp.isfile(args.checkpoint):
        raise SystemExit(f'checkpoint {args.checkpoint} not found')

    model = init_model(args.config, args.checkpoint, args.device,
                       args.cfg_options)
    try:  # an unsupported model or shape, before the exporter runs
        part = args.part or export.default_part(model)
        export.export_module(model, part)
        shape = export.check_input_shape(
            model, part, args.input_shape or export.default_input_shape(model))
    except (TypeError, ValueError) as e:
        raise SystemExit(f'cannot export {args.config}: {e}')
    info = export.export_onnx(
        model,
        args.out,
        part=part,
        input_shape=shape,
        opset=args.opset,
        dynamic_batch=args.dynamic_batch,
        exporter=args.exporter)

    if args.verify:
        n = info['input_shape'][0]
        # a dynamic batch axis must also take a batch it was not traced at
        sizes = [n, n + 1] if args.dynamic_batch else [n]
        info.update(
            export.verify_onnx(
                model,
                args.out,
                info['part'],
                info['input_shape'],
                batch_sizes=sizes,
                rtol=args.rtol,
                atol=args.atol))
    print(json.dumps(info), flush=True)
    if args.verify and not info['passed']:
        raise SystemExit(f'verification failed: ONNX Runtime and PyTorch '
                         f'differ by up to {info["max_abs_diff"]:.3g} '
                         f'(rtol {args.rtol:g}, atol {args.atol:g})')
    return info


if __name__ == '__main__':
    main()
