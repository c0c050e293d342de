# Study arm A0, classical reference (docs/experiments/realistic_blur.md): Wiener deconvolution
# with a generic Gaussian PSF whose (sigma, nsr) are chosen by grid search on the naive demo
# training pairs (as configs/demo/classical_wiener_demo.py; 16 pairs, centre 96 px crops),
# evaluated on the held-out real-blur pairs and the synthetic test split.
#   python tools/fit_classical.py configs/demo/study/a0_wiener.py --out work_dirs/a0_wiener.pth
_base_ = ["../classical_wiener_demo.py"]

fit_cfg = dict(num_images=16, crop=96)
test_dataloader = dict(dataset=dict(split="test_realblur"))
val_dataloader = test_dataloader
