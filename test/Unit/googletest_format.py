# lit's GoogleTest format for executables built outside the source tree.
#
# Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
#
# lit.formats.GoogleTest looks for executables under the suite's source root,
# which suits suites whose source and exec roots are one folder (LLVM's
# unittests). Kiln's suite has its source root at test/ in the checkout and
# its exec root at build/test, where CMake writes the executables; this format
# hands the stock one a view of the suite whose source paths are exec paths,
# so the tests it makes are found, and run, there.
#
# It lives in a module rather than in lit.local.cfg because lit pickles tests,
# with their suite and format, to its worker processes.

import lit.formats


class ExecTreeView:
    """A test suite whose source paths are its exec paths."""

    def __init__(self, suite):
        self._suite = suite

    def getSourcePath(self, components):
        return self._suite.getExecPath(components)

    def __getattr__(self, name):
        # Not for the names pickle probes before _suite is restored.
        if name.startswith("__") or name == "_suite":
            raise AttributeError(name)
        return getattr(self._suite, name)


class ExecTreeGoogleTest(lit.formats.GoogleTest):
    """GoogleTest executables named *<test_suffix> in the exec tree."""

    def __init__(self, test_sub_dirs, test_suffix):
        super().__init__(test_sub_dirs, test_suffix)
        self._views = {}

    def getTestsInDirectory(self, testSuite, path_in_suite, litConfig, localConfig):
        # One view per suite, so that lit counts its tests as one suite.
        view = self._views.setdefault(id(testSuite), ExecTreeView(testSuite))
        return super().getTestsInDirectory(
            view, path_in_suite, litConfig, localConfig
        )
