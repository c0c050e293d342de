"""The realistic-blur study's arms (one config each) and the candidates of its support rule."""

#: arm -> label, config, kind ('dbgan': a deblurrer config; 'separate': needs the BGAN of the
#: same seed; 'joint': BGAN + DBGAN in one model; 'blur2blur': kernel encoder + translator
#: trained per seed, then the two-stage config with the deblurrer of another arm's same seed)
ARMS = {
    "A1": dict(label="A1 naive synthetic pairs", config="demo/study/a1_naive.py", kind="dbgan"),
    "A2": dict(label="A2 scheme 1 (frozen gated BGAN)", config="demo/study/a2_separate.py",
               kind="separate"),
    "A3": dict(label="A3 scheme 2 (joint)", config="demo/study/a3_joint.py", kind="joint"),
    "A4": dict(label="A4 upper bound (real-process pairs)", config="demo/study/a4_realpairs.py",
               kind="dbgan"),
    "A5": dict(label="A5 hand-made broad synthesis", config="demo/study/a5_augmented.py",
               kind="dbgan"),
    "B2B": dict(label="B2B Blur2Blur (translator + A1 DBGAN)", config="demo/study/b2b.py",
                kind="blur2blur"),
}
#: realistic-blur arms judged by the verdict's support rule
CANDIDATES = ("A2", "A3", "B2B")
#: the hand-made reference the learned blurs are compared with (reported, not a verdict rule)
HANDMADE = "A5"
