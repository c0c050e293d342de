# Unsharp masking on the demo data (training-free; fit sigma/amount with
# tools/fit_classical.py). Same data and fitting set-up as classical_wiener_demo.py.
_base_ = ["./classical_wiener_demo.py"]

model = dict(_delete_=True, type="UnsharpMask", sigma=1.0, amount=1.0)
fit_cfg = dict(grid=dict(_delete_=True, sigma=[0.5, 1.0, 1.5, 2.0, 3.0],
                         amount=[0.25, 0.5, 1.0, 1.5, 2.0, 3.0]))
