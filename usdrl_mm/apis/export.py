"""ONNX export of usdrl_mm models: the encoder (clip features) or a
recognizer (class scores), verified against PyTorch with ONNX Runtime.

The exported graphs take **raw joints**, MMAction2's ``(N, M, T, V, C)``
clips as the test pipeline leaves them (normalised, resized to
``clip_len``, persons padded by ``FormatGCNInput``), and derive the model's
input modality inside the graph exactly as ``SkeletonDataPreprocessor``
does: bones are a gather of the layout's parents, motion a frame
difference, and a modality list (J+M+B) is concatenated along ``C``. So
``C`` is the backbone's ``in_channels`` divided by the number of streams
(3 for a J+M+B model with ``in_channels=9``). Normalisation and temporal
resizing stay in the data pipeline.

- ``encoder``: ``joints (N, M, T, V, C) -> features (N, 2D)``, the pooled
  clip feature of :func:`usdrl_mm.apis.extract_features` (backbone, then
  the model's pooling neck).
- ``recognizer``: ``joints (N, M, T, V, C)`` (one clip per sample) or
  ``(N, K, M, T, V, C)`` (K clips) ``-> scores (N, num_classes)``, the
  clip-averaged scores of the test path (``average_clips='prob'``: softmax
  probabilities).

Export::

    model = init_model(config, checkpoint)
    info = export_onnx(model, 'model.onnx', dynamic_batch=True)
    info.update(verify_onnx(model, 'model.onnx', info['part'],
                            info['input_shape'], batch_sizes=(1, 3)))
"""
import contextlib
import importlib
import os
import os.path as osp
import warnings
from typing import Dict, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from torch import Tensor, nn

from usdrl_mm.models.backbones.skeleton_token_encoder import \
    SkeletonTokenEncoder
from usdrl_mm.models.layers import DSTLayer
from usdrl_mm.models.necks import USDRLPoolNeck
from usdrl_mm.structures import as_modalities, stack_modalities

PARTS = ('encoder', 'recognizer')
EXPORTERS = ('torchscript', 'dynamo')
INPUT_NAME = 'joints'
OUTPUT_NAMES = dict(encoder='features', recognizer='scores')
INSTALL_HINT = 'pip install onnx onnxruntime'  # requirements/optional.txt


def require(*modules: str) -> None:
    """Import the optional export packages, or raise an ``ImportError``
    that names the pip command."""
    missing = []
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise ImportError(f'ONNX export needs {", ".join(missing)}: '
                          f'{INSTALL_HINT}' +
                          (' onnxscript' if 'onnxscript' in missing else '') +
                          ' (listed in requirements/optional.txt)')


def input_modalities(
        model: nn.Module) -> Tuple[Tuple[str, ...], Tuple[int, ...]]:
    """The modality streams and bone parents the model's data preprocessor
    derives from joints."""
    pre = getattr(model, 'data_preprocessor', None)
    if not hasattr(pre, 'modalities') or not hasattr(pre, 'layout'):
        raise TypeError('ONNX export needs a SkeletonDataPreprocessor (or a '
                        'subclass) to derive the input modality, got '
                        f'{type(pre).__name__}')
    return as_modalities(pre.modalities), tuple(pre.layout.parents)


def _backbone(model: nn.Module) -> SkeletonTokenEncoder:
    backbone = getattr(model, 'backbone', None)
    if not isinstance(backbone, SkeletonTokenEncoder):
        raise TypeError('ONNX export supports the two-stream encoders DSTE '
                        'and STTR, got backbone '
                        f'{type(backbone).__name__}')
    return backbone


def has_class_scores(model: nn.Module) -> bool:
    """Whether the model has a clip classifier (a ``cls_head`` that
    averages clip scores, as ``USDRLClsHead``)."""
    head = getattr(model, 'cls_head', None)
    return head is not None and hasattr(head, 'average_clip')


def default_part(model: nn.Module) -> str:
    """``'recognizer'`` for a model with a clip classifier, else
    ``'encoder'`` (pretraining, kNN and dense models)."""
    return 'recognizer' if has_class_scores(model) else 'encoder'


def default_input_shape(model: nn.Module) -> Tuple[int, ...]:
    """``(1, M, T, V, C)`` from the backbone's geometry, with C the joint
    channels before the modality derivation."""
    backbone = _backbone(model)
    modalities, _ = input_modalities(model)
    channels, rest = divmod(backbone.in_channels, len(modalities))
    if rest:
        raise ValueError(f'the backbone takes {backbone.in_channels} '
                         f'channels, not a multiple of the {len(modalities)}'
                         f' input streams {modalities}')
    return (1, backbone.num_persons, backbone.clip_len, backbone.num_joints,
            channels)


class EncoderExport(nn.Module):
    """Joints -> pooled clip features, the graph of ``--part encoder``.

    Args:
        backbone (nn.Module): Two-stream encoder (DSTE / STTR).
        neck (nn.Module): Pooling neck, tokens -> ``(N, 2D)``.
        modalities (sequence[str]): Streams derived from the joints.
        parents (sequence[int]): Bone parents of the skeleton layout.
        coord_channels (int, optional): Coordinate channels; the rest are
            scores (``SkeletonDataPreprocessor``).
    """

    def __init__(self,
                 backbone: nn.Module,
                 neck: nn.Module,
                 modalities: Sequence[str],
                 parents: Sequence[int],
                 coord_channels: Optional[int] = None) -> None:
        super().__init__()
        self.backbone = backbone
        self.neck = neck
        self.modalities = tuple(modalities)
        self.parents = tuple(parents)
        self.coord_channels = coord_channels

    def forward(self, joints: Tensor) -> Tensor:
        """(N, M, T, V, C) -> (N, 2D)."""
        # (N, M, T, V, C) -> (N, M, T, V, G*C): what the preprocessor feeds
        x = stack_modalities(joints.float(), self.modalities, self.parents,
                             self.coord_channels)
        return self.neck(self.backbone(x))


class RecognizerExport(nn.Module):
    """Joints -> clip-averaged class scores, the graph of ``--part
    recognizer``: ``RecognizerGCN``'s test path without data samples.

    Args:
        backbone (nn.Module): Two-stream encoder (DSTE / STTR).
        cls_head (nn.Module): Classifier with ``average_clip``.
        modalities, parents, coord_channels: As :class:`EncoderExport`.
    """

    def __init__(self,
                 backbone: nn.Module,
                 cls_head: nn.Module,
                 modalities: Sequence[str],
                 parents: Sequence[int],
                 coord_channels: Optional[int] = None) -> None:
        super().__init__()
        average = getattr(cls_head, 'average_clips', None)
        if average not in ('prob', 'score'):
            raise ValueError('the recognizer export averages clip scores; '
                             f"the head's average_clips is {average!r}, "
                             "not 'prob' or 'score'")
        self.backbone = backbone
        self.cls_head = cls_head
        self.num_classes = int(cls_head.num_classes)
        self.modalities = tuple(modalities)
        self.parents = tuple(parents)
        self.coord_channels = coord_channels

    def forward(self, joints: Tensor) -> Tensor:
        """(N, M, T, V, C) or (N, K, M, T, V, C) -> (N, num_classes)."""
        if joints.dim() == 5:  # one clip per sample
            joints = joints.unsqueeze(1)
        num_clips = int(joints.shape[1])  # static in the graph, as M, T, V
        x = stack_modalities(joints.float(), self.modalities, self.parents,
                             self.coord_channels)
        # (N, K, M, T, V, G*C) -> (N*K, M, T, V, G*C), as RecognizerGCN
        scores = self.cls_head(self.backbone(x.flatten(0, 1)))
        # BaseHead.average_clip, but reshaped with the class count as a
        # constant so the ONNX output is declared (batch, num_classes):
        # (N*K, num_classes) -> (N, K, num_classes)
        scores = scores.view(-1, num_clips, self.num_classes)
        if self.cls_head.average_clips == 'prob':
            scores = scores.softmax(dim=2)
        return scores.mean(dim=1)


def export_module(model: nn.Module, part: str) -> nn.Module:
    """The eval-mode module that ``part`` exports, sharing the model's
    parameters."""
    if part not in PARTS:
        raise ValueError(f'unknown part {part!r}; choose one of {PARTS}')
    backbone = _backbone(model)
    modalities, parents = input_modalities(model)
    # channels past it are scores (2D input), see SkeletonDataPreprocessor
    coords = getattr(model.data_preprocessor, 'coord_channels', None)
    if part == 'encoder':
        neck = getattr(model, 'neck', None)
        if neck is None:  # recognizers pool in the head, as extract_features
            neck = USDRLPoolNeck()
        module = EncoderExport(backbone, neck, modalities, parents, coords)
    else:
        head = getattr(model, 'cls_head', None)
        if not has_class_scores(model):
            found = 'no cls_head' if head is None else \
                f'a {type(head).__name__} cls_head'
            raise TypeError('the recognizer export needs a cls_head that '
                            'gives clip class scores (USDRLClsHead); this '
                            f'{type(model).__name__} has {found}. Export '
                            'its clip features with part encoder')
        module = RecognizerExport(backbone, head, modalities, parents, coords)
    return module.eval()


def check_input_shape(model: nn.Module, part: str,
                      input_shape: Sequence[int]) -> Tuple[int, ...]:
    """Validate ``(N, M, T, V, C)`` (or ``(N, K, M, T, V, C)`` for a
    recognizer) against the backbone's geometry."""
    shape = tuple(int(s) for s in input_shape)
    expected = default_input_shape(model)[1:]
    ndims = (5, 6) if part == 'recognizer' else (5, )
    if len(shape) not in ndims or shape[-4:] != expected or min(shape) < 1:
        layout = '(N, M, T, V, C)' + (' or (N, K, M, T, V, C)'
                                      if part == 'recognizer' else '')
        raise ValueError(f'input shape {shape} does not fit the model: the '
                         f'{part} takes joints {layout} with (M, T, V, C) = '
                         f'{expected} (persons, clip_len, joints, joint '
                         'channels before the modality derivation)')
    return shape


@contextlib.contextmanager
def unfused_attention(module: nn.Module) -> Iterator[None]:
    """Run every :class:`DSTLayer` of ``module`` with its CA and DSA
    attention passes separate (same outputs), restoring the flags after.

    Why: the dynamo exporter writes opset 18 and converts down. The fused
    path splits the packed in-projection with ``chunk(3)``, an opset-18
    ``Split(num_outputs=3)``, and the converted opset-17 graph keeps the
    ``num_outputs`` attribute, which ONNX Runtime rejects.
    """
    layers = [m for m in module.modules() if isinstance(m, DSTLayer)]
    flags = [layer.fuse_attention for layer in layers]
    try:
        for layer in layers:
            layer.fuse_attention = False
        yield
    finally:
        for layer, flag in zip(layers, flags):
            layer.fuse_attention = flag


def export_onnx(model: nn.Module,
                out: str,
                part: Optional[str] = None,
                input_shape: Optional[Sequence[int]] = None,
                opset: int = 17,
                dynamic_batch: bool = False,
                exporter: str = 'torchscript') -> Dict:
    """Export the encoder or the recognizer of ``model`` to an ONNX file.

    Args:
        model (nn.Module): A model from :func:`init_model` (eval mode).
        out (str): The ``.onnx`` file to write.
        part (str, optional): ``'encoder'`` or ``'recognizer'``; defaults
            to :func:`default_part`.
        input_shape (sequence[int], optional): Joints ``(N, M, T, V, C)``
            (a recognizer also takes ``(N, K, M, T, V, C)``); defaults to
            :func:`default_input_shape`.
        opset (int): ONNX opset version.
        dynamic_batch (bool): Make the batch axis N dynamic.
        exporter (str): ``'torchscript'`` (default) or ``'dynamo'``. The
            TorchScript tracer exports DSTE and STTR at opset 17 in about a
            second; the dynamo exporter (torch >= 2.9's default) takes ~8x
            longer and, below opset 18, needs DSTE's attention unfused (see
            :func:`unfused_attention`).

    Returns:
        dict: ``out, part, exporter, opset, input_name, input`` (what the
        graph takes, in words), ``input_shape, output_name, output_shape,
        modality, dynamic_batch``; the output shape as the ONNX graph
        declares it (a dynamic axis as ``'batch'``).
    """
    if exporter not in EXPORTERS:
        raise ValueError(f'unknown exporter {exporter!r}; choose one of '
                         f'{EXPORTERS}')
    require('onnx', *(('onnxscript', ) if exporter == 'dynamo' else ()))
    part = part or default_part(model)
    module = export_module(model, part)
    shape = check_input_shape(model, part, input_shape
                              or default_input_shape(model))
    device = next(model.parameters()).device
    example = torch.randn(shape, device=device)
    out_name = OUTPUT_NAMES[part]
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)

    # torch >= 2.9 defaults to the dynamo exporter. It is not the default
    # here: it writes opset 18 and converts down, and for DSTE at opset 17
    # the converted Split of the fused attention is invalid (ONNX Runtime
    # refuses the file; see unfused_attention), and it exports ~8x slower.
    # The TorchScript tracer handles DSTE, STTR and the in-graph modality
    # derivation at opsets 14-18.
    kwargs = dict(
        input_names=[INPUT_NAME],
        output_names=[out_name],
        opset_version=opset,
        dynamo=exporter == 'dynamo')
    patch = contextlib.nullcontext()
    if exporter == 'dynamo':
        kwargs['external_data'] = False  # one self-contained file
        if dynamic_batch:
            kwargs['dynamic_shapes'] = {
                INPUT_NAME: {
                    0: torch.export.Dim('batch')
                }
            }
            # torch.export specialises a size-1 axis to a constant: trace
            # with two samples, the graph then takes any batch
            example = torch.randn(
                (max(2, shape[0]), ) + shape[1:], device=device)
        if opset < 18:
            patch = unfused_attention(module)
    elif dynamic_batch:
        kwargs['dynamic_axes'] = {
            INPUT_NAME: {
                0: 'batch'
            },
            out_name: {
                0: 'batch'
            }
        }
    with torch.no_grad(), patch, warnings.catch_warnings():
        # the legacy exporter's deprecation notice, and tracer notes on the
        # backbone's input check (static shapes; verify_onnx re-runs the
        # graph at other batch sizes)
        warnings.simplefilter('ignore', DeprecationWarning)
        warnings.simplefilter('ignore', torch.jit.TracerWarning)
        # DSA's keep[::gap] mask is a strided Slice the folder skips
        warnings.filterwarnings('ignore', message='Constant folding')
        torch.onnx.export(module, (example, ), out, **kwargs)

    with torch.no_grad():
        out_shape = tuple(module(example[:1]).shape[1:])
    modalities, _ = input_modalities(model)
    layout = '(N, K, M, T, V, C)' if len(shape) == 6 else '(N, M, T, V, C)'
    return dict(
        out=out,
        part=part,
        exporter=exporter,
        opset=opset,
        input_name=INPUT_NAME,
        input=f'raw joints {layout}; the graph derives '
        f'{"+".join(modalities)}',
        input_shape=list(shape),
        output_name=out_name,
        output_shape=_pin_output_shape(out, out_shape),
        modality=list(modalities),
        dynamic_batch=bool(dynamic_batch))


def _pin_output_shape(onnx_file: str,
                      shape: Sequence[int]) -> List[Union[int, str]]:
    """Declare the non-batch output axes of ``onnx_file`` as the static
    ``shape`` when the exporter left them symbolic, and return the declared
    output shape (the dynamic batch axis as its name).

    Why: the TorchScript exporter cannot infer the class axis through the
    clip-averaging ``Reshape`` and names it ``ReduceMeanscores_dim_1``.
    """
    import onnx
    proto = onnx.load(onnx_file, load_external_data=False)
    dims = proto.graph.output[0].type.tensor_type.shape.dim
    changed = False
    for dim, size in zip(list(dims)[1:], shape):
        if dim.dim_param or dim.dim_value != size:
            dim.Clear()
            dim.dim_value = int(size)
            changed = True
    if changed:
        onnx.save(proto, onnx_file)
    return [d.dim_param if d.dim_param else int(d.dim_value) for d in dims]


@torch.no_grad()
def verify_onnx(model: nn.Module,
                onnx_file: str,
                part: str,
                input_shape: Sequence[int],
                batch_sizes: Optional[Sequence[int]] = None,
                rtol: float = 1e-4,
                atol: float = 1e-5,
                seed: int = 0) -> Dict:
    """Run ``onnx_file`` with ONNX Runtime on random joints and compare
    with the PyTorch module that was exported.

    Args:
        model (nn.Module): The exported model.
        onnx_file (str): The exported file.
        part (str): The exported part.
        input_shape (sequence[int]): The export input shape.
        batch_sizes (sequence[int], optional): Batch sizes to run; defaults
            to the export batch (other sizes need a dynamic batch axis).
        rtol, atol (float): ``np.allclose`` tolerances.
        seed (int): Seed of the random joints.

    Returns:
        dict: ``max_abs_diff`` (over all batch sizes),
        ``verified_batch_sizes``, ``rtol``, ``atol`` and ``passed``.
    """
    require('onnx', 'onnxruntime')
    import onnx
    import onnxruntime as ort
    onnx.checker.check_model(onnx_file)
    session = ort.InferenceSession(
        onnx_file, providers=['CPUExecutionProvider'])
    module = export_module(model, part)
    device = next(model.parameters()).device
    generator = torch.Generator().manual_seed(seed)
    batch_sizes = list(batch_sizes or [input_shape[0]])
    max_diff, passed = 0., True
    for n in batch_sizes:
        joints = torch.randn(
            (n, ) + tuple(input_shape[1:]), generator=generator)
        expected = module(joints.to(device)).float().cpu().numpy()
        got = session.run(None, {INPUT_NAME: joints.numpy()})[0]
        if got.shape != expected.shape:
            raise RuntimeError(f'ONNX output {got.shape} != PyTorch output '
                               f'{expected.shape} for batch {n}')
        diff = float(np.abs(got - expected).max())
        # a NaN anywhere is a failure, and max() would drop it
        max_diff = max(max_diff, diff if np.isfinite(diff) else np.inf)
        passed &= bool(np.allclose(got, expected, rtol=rtol, atol=atol))
    return dict(
        max_abs_diff=max_diff,
        verified_batch_sizes=batch_sizes,
        rtol=rtol,
        atol=atol,
        passed=passed)
