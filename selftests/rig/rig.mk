# The guest runner's own test (boots the guest several times, from the host).
EXTRA_CHECK += selftests/rig/rig_test.sh
EXTRA_CHECK += tools/lint-kernel
