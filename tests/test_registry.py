"""Every name usdrl_mm registers builds from a minimal config."""
import pytest
from mmaction.registry import (DATASETS, HOOKS, METRICS, MODELS,
                               OPTIM_WRAPPERS, TRANSFORMS)

# yapf: disable
MINIMAL = {
    MODELS: {
        'DSTE': dict(hidden_dim=16, clip_len=8),
        'USDRLPoolNeck': dict(),
        'MGFDProjector': dict(in_channels=8),
        'MGFDHead': dict(),
        'MultiViewSimilarityLoss': dict(),
        'VarianceCovarianceLoss': dict(),
        'ViewCrossCorrelationLoss': dict(),
        'MultiViewConsistencyLoss': dict(),
        'MultiModalConsistencyLoss': dict(),
        'MPCTHead': dict(),
        'SkeletonDataPreprocessor': dict(),
        'BatchMultiViewPreprocessor': dict(),
        'STTR': dict(hidden_dim=16, clip_len=8),
        'MGFD': dict(backbone=dict(type='DSTE', hidden_dim=16, clip_len=8),
                     projector=dict(type='MGFDProjector', in_channels=16)),
        'MPCT': dict(backbone=dict(type='DSTE', hidden_dim=16, clip_len=8,
                                   in_channels=9),
                     projector=dict(type='MGFDProjector', in_channels=16)),
        'USDRLClsHead': dict(num_classes=3, in_channels=8),
        'USDRLRecognizer': dict(
            backbone=dict(type='DSTE', hidden_dim=16, clip_len=8),
            cls_head=dict(type='USDRLClsHead', num_classes=3)),
        'USDRLFeatureHead': dict(),
        'DenseFrameHead': dict(num_classes=3, in_channels=8),
    },
    TRANSFORMS: {
        'TemporalCropResize': dict(),
        'RandomJointMask': dict(),
        'RandomJointLinearMap': dict(),
        'RandomSkeletonShear': dict(),
        'SkeletonMultiView': dict(transforms=[]),
        'PreNormalize3DPerFrame': dict(),
        'PackDenseSkeletonInputs': dict(),
        'ObservePrefix': dict(ratio=0.5),
        'FormatRawSkeleton': dict(),
    },
    METRICS: {
        'KNNMetric': dict(),
        'PKUDetectionMetric': dict(num_classes=3),
        'SegmentationMetric': dict(),
    },
    HOOKS: {
        'AtomicCheckpointHook': dict(max_keep_ckpts=1),
        'CheckpointFitHook': dict(unused_prefixes=('head.', )),
        'CompileModulesHook': dict(),
        'EvalModeTrainingHook': dict(),
        'RandomStateHook': dict(),
        'SkeletonVisualizationHook': dict(),
    },
    OPTIM_WRAPPERS: {},  # needs an optimizer; covered in tests/engine
    DATASETS: {},  # needs files; covered in tests/datasets
}
# yapf: enable
BUILT_ELSEWHERE = {
    'MixedPrecisionOptimWrapper', 'CheckedPoseDataset', 'GalleryQueryDataset',
    'UntrimmedPoseDataset'
}


def ours(registry):
    return {
        name
        for name, cls in registry.module_dict.items()
        if cls.__module__.startswith('usdrl_mm')
    }


@pytest.mark.parametrize('registry', list(MINIMAL), ids=lambda r: r.name)
def test_every_registered_name_is_covered(registry):
    assert ours(registry) - BUILT_ELSEWHERE == set(MINIMAL[registry])


@pytest.mark.parametrize(
    'registry,name', [(r, n) for r, names in MINIMAL.items() for n in names],
    ids=lambda x: getattr(x, 'name', x))
def test_builds(registry, name):
    obj = registry.build(dict(type=name, **MINIMAL[registry][name]))
    assert type(obj).__name__ == name
