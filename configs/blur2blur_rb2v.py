# Blur2Blur on RB2V (the unknown domain: real blurry/sharp video pairs, Hugging Face
# anhttran1111/rb2v, see the official dataset/download_RB2V.sh) with GoPro as the known blur,
# the official "RB2V_GOPRO" setting. Everything but the data is configs/blur2blur_gopro.py.
# RB2V is paired; as in the official code (--ratio 0.6) A takes the first 60% of the sorted
# blurry frames and B the last 40% of the sorted sharp frames, so A and B share no frame.
# (The official data/filter_blurimg.py also drops nearly sharp "blurry" frames by
# PSNR(blur, sharp): do that beforehand if you want it.)
# Folder layout (frames flattened, sequence in the name so names stay unique):
#   data/RB2V_GOPRO/
#   ├── RB2V/train/blur/<seq>_<frame>.png    -> A (first 60%)
#   ├── RB2V/train/sharp/<seq>_<frame>.png   -> B (last 40%)
#   ├── RB2V/test/{blur,sharp}/*.png         test pairs (two-stage model)
#   ├── GOPRO/train/blur/<seq>_<frame>.png   -> C (known blur)
#   └── GOPRO/train/sharp/<seq>_<frame>.png  -> D (known sharp, same names as C)
_base_ = ["blur2blur_gopro.py"]

data_root = "data/RB2V_GOPRO"
num_a = 6000  # 60% of your RB2V training frames: one epoch = num_a iterations at batch 1
epoch_iters = num_a
max_iters = 300 * epoch_iters
train_dataloader = dict(dataset=dict(
    data_root=data_root,
    split_ratio=0.6,
    folders=dict(A="RB2V/train/blur", B="RB2V/train/sharp", C="GOPRO/train/blur",
                 D="GOPRO/train/sharp"),
))
param_scheduler = dict(begin=100 * epoch_iters, end=max_iters)
train_cfg = dict(max_iters=max_iters)
default_hooks = dict(checkpoint=dict(interval=2 * epoch_iters))
