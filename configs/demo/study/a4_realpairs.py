# Study arm A4, the upper bound (docs/experiments/realistic_blur.md): the A1 DBGAN trained on
# pairs made by the real-blur process itself (demo split train_realpairs: train/real_blur with
# its sharp crops), which no realistic-blur method can see.
_base_ = ["./a1_naive.py"]

train_dataloader = dict(dataset=dict(split="train_realpairs"))
