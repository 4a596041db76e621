"""Build chargescope's one compiled module (everything else is in pyproject.toml).

The envelope split in C is optional: where it cannot be compiled, SQL splits every frame.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "chargescope.readers._envelope",
            sources=["src/chargescope/readers/_envelope.c"],
            extra_compile_args=["-O2"],
            optional=True,
        )
    ]
)
