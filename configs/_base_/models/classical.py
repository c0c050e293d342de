# Training-free classical baselines (restorekit/models/methods/classical/): the model and the
# grid tools/fit_classical.py searches on the training pairs (fit_cfg.grid). The Wiener filter
# with a Gaussian PSF is shared by configs/classical_wiener_gopro.py and the demo baselines.
wiener_deconvolution = dict(
    type="WienerDeconvolution",
    sigma=1.0,
    nsr=1e-2,
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=1),
)
wiener_grid = dict(
    sigma=[0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0],
    nsr=[1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0],
)
