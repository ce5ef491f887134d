# The four USDRL views drawn on the device for a whole batch
# (BatchMultiViewPreprocessor) instead of per sample in the dataloader
# workers (SkeletonMultiView in ntu60_xsub_mgfd_4view.py): the same recipe
# and probabilities (design.md §8.1). The workers only pre-normalise and hand
# over the valid frames, unpadded: the preprocessor reads clips of different
# lengths where they are. Add this file to the _base_ list after the per-sample
# dataset base (its names are new, so the two combine) and select it with
#   model = dict(data_preprocessor={{_base_.batch_view_preprocessor}})
#   train_dataloader = dict(
#       dataset=dict(pipeline={{_base_.batch_view_pipeline}}))
batch_view_pipeline = [
    dict(type='PreNormalize3DPerFrame', center_joint=1, xaxis=(4, 8)),
    dict(type='FormatRawSkeleton', num_person=2),
    dict(type='PackActionInputs', meta_keys=('valid_len', )),
]
# merged into the model's data preprocessor, which keeps its modality and
# layout
batch_view_preprocessor = dict(
    type='BatchMultiViewPreprocessor',
    num_views=4,
    clip_len=64,
    ratio=(0.1, 1.0),
    min_len=64,
    # one spatial augmentation per view: mask 60 % of the joints (p 0.25),
    # corrupt 60 % with a random matrix (p 0.25) or shear everything (p 0.5);
    # 60 % is USDRL's 15 of NTU's 25 and fits any layout
    num_augmented_joints=0.6,
    map_magnitude=1.0,
    shear_magnitude=1.0,
    branch_probs=(0.25, 0.25, 0.5))
