# The Debian packages (debian/): built, judged by lintian, installed into
# a throwaway Debian 12 root where an example is compiled and run, and
# the module built by DKMS and loaded in the guest (tests/pkg/pkg_test.sh).
EXTRA_CHECK += tests/pkg/pkg_test.sh
