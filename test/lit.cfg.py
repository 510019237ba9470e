# -*- Python -*-
# lit configuration for Kiln's regression tests.

import os
import shutil
import subprocess

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "Kiln"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kiln_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%kiln_src", config.kiln_src_root))
config.substitutions.append(("%kiln_obj", config.kiln_obj_root))
config.substitutions.append(("%examples", os.path.join(config.kiln_src_root, "examples")))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP",
                                     "CUDA_HOME", "KILN_PTXAS"])
llvm_config.use_default_substitutions()
# FileCheck, not and count come from LLVM; kilnc and kiln-opt from the build.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.kiln_tools_dir, append_path=True)

tool_dirs = [config.kiln_tools_dir, config.llvm_tools_dir]
tools = ["kiln-opt", "kilnc"]
llvm_config.add_tool_substitutions(tools, tool_dirs)


def find_ptxas():
    """The ptxas kilnc would use, or None."""
    env = os.environ.get("KILN_PTXAS")
    if env:
        return env if os.access(env, os.X_OK) else None
    home = os.environ.get("CUDA_HOME")
    if home and os.access(os.path.join(home, "bin", "ptxas"), os.X_OK):
        return os.path.join(home, "bin", "ptxas")
    if os.access("/usr/local/cuda/bin/ptxas", os.X_OK):
        return "/usr/local/cuda/bin/ptxas"
    return shutil.which("ptxas")


# Tests that assemble PTX need the CUDA toolkit's ptxas; without it they are
# reported as UNSUPPORTED (skipped), never as passed.
ptxas = find_ptxas()
if ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))


def has_gpu():
    """True when an NVIDIA Hopper GPU and its driver are present."""
    smi = shutil.which("nvidia-smi")
    if not smi:
        return False
    try:
        out = subprocess.run([smi, "--query-gpu=compute_cap", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and any(l.strip().startswith("9.0") for l in out.stdout.splitlines())


# Tests that run kernels need a Hopper GPU; elsewhere they are UNSUPPORTED.
if has_gpu():
    config.available_features.add("hopper-gpu")

# kiln-gemm-check is built where the CUDA toolkit has its runtime and cuBLAS.
if os.access(os.path.join(config.kiln_obj_root, "test", "gpu", "kiln-gemm-check"), os.X_OK):
    config.available_features.add("gemm-check")


def find_numpy_python():
    """A Python that can import numpy (Debian's python3-numpy), or None."""
    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if not candidate:
            continue
        try:
            ok = subprocess.run([candidate, "-c", "import numpy"],
                                capture_output=True, timeout=60).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        if ok:
            return candidate
    return None


# Tests that compare with NumPy need it; elsewhere they are UNSUPPORTED.
numpy_python = find_numpy_python()
if numpy_python:
    config.available_features.add("numpy")
    # First in the list: the default %python is a prefix of it.
    config.substitutions.insert(0, ("%python_numpy", numpy_python))


# A C/C++ compiler, for tests that build generated launchers.
cxx = shutil.which("c++") or shutil.which("g++")
cc = shutil.which("cc") or shutil.which("gcc")
if cxx and cc:
    config.available_features.add("cxx")
    config.substitutions.append(("%cxx", cxx))
    config.substitutions.append(("%cc", cc))
