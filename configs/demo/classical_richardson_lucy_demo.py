# Richardson-Lucy with a Gaussian PSF on the demo data (training-free; fit sigma/iterations
# with tools/fit_classical.py). Same data and fitting set-up as classical_wiener_demo.py.
_base_ = ["./classical_wiener_demo.py"]

model = dict(_delete_=True, type="RichardsonLucy", sigma=1.0, iterations=10)
fit_cfg = dict(grid=dict(_delete_=True, sigma=[0.5, 1.0, 1.5, 2.0, 2.5, 3.0],
                         iterations=[5, 10, 20, 40]))
