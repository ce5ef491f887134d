# The tiny synthetic USDRL run with the four views drawn on the device for the
# whole batch (BatchMultiViewPreprocessor) instead of per sample in the
# dataloader workers. Same views in distribution; only the pipeline and the
# data preprocessor change. Compare the speed with
# tools/analysis_tools/benchmark.py pretrain CONFIG --real-data (the whole
# step) and tools/analysis_tools/benchmark.py augment (the views alone).
_base_ = [
    './mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py',
    '../_base_/datasets/ntu60_xsub_mgfd_4view_batched.py'
]

model = dict(data_preprocessor={{_base_.batch_view_preprocessor}})
train_dataloader = dict(dataset=dict(pipeline={{_base_.batch_view_pipeline}}))
