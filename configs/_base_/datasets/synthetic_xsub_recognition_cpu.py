# The synthetic recognition data loaded for the CPU demos: batch 64 for
# training, 128 for testing, in-process loading (fastest on small CPUs).
_base_ = ['./synthetic_xsub_recognition.py']
train_dataloader = dict(batch_size=64, num_workers=0, persistent_workers=False)
val_dataloader = dict(batch_size=128, num_workers=0, persistent_workers=False)
test_dataloader = val_dataloader
